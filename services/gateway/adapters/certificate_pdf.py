"""The certificate of service printed as an A4 PDF, in Chinese, with the QR of its public check.

reportlab's built-in CID font STSong-Light (Adobe-GB1) needs no font file: readers supply it, and
the text stays text (it can be searched, copied and read back).
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..service.calendar import LOCAL
from ..service.views_certificates import Certificate

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=26, leading=34, alignment=TA_CENTER)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=13, leading=22, wordWrap="CJK", firstLineIndent=26)
PLAIN = ParagraphStyle("plain", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=11, leading=15, wordWrap="CJK")


class QrCode(Flowable):
    """The QR of a link, drawn as squares (sharp at any zoom, no image file)."""

    def __init__(self, link: str, size: float):
        super().__init__()
        self.qr = segno.make(link, error="m")
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        rows = list(self.qr.matrix_iter(border=2))
        cell = self.size / len(rows)
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(rows):
            for x, dark in enumerate(row):
                if dark:
                    self.canv.rect(x * cell, self.size - (y + 1) * cell, cell, cell, stroke=0, fill=1)


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render(found: Certificate, verify_link: str) -> bytes:
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"志愿服务证明 {found.serial}",
        author=found.community_name,
    )
    name, community = escape(found.member_name), escape(found.community_name)
    story = [
        Paragraph("志愿服务证明", TITLE),
        Spacer(1, 4 * mm),
        Paragraph(f"证明编号：{found.serial}", ParagraphStyle("serial", parent=PLAIN, alignment=TA_CENTER)),
        Spacer(1, 8 * mm),
        Paragraph(
            f"兹证明 <b>{name}</b> 于 {_day(found.from_date)} 至 {_day(found.to_date)} 期间，"
            f"在{community}参加志愿服务，经记录并认证的服务时长共计 "
            f"<b>{found.hours}</b> 小时（{found.total_minutes} 分钟），明细如下：",
            BODY,
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [[Paragraph(t, CELL) for t in ("序号", "服务活动", "活动日期", "认证时长（小时）")]]
    for number, line in enumerate(found.activities, 1):
        rows.append(
            [
                Paragraph(str(number), CELL),
                Paragraph(escape(line.title), CELL),
                Paragraph(line.date.isoformat(), CELL),
                Paragraph(line.hours, CELL),
            ]
        )
    rows.append(
        [Paragraph("", CELL), Paragraph("合计", CELL), Paragraph("", CELL), Paragraph(found.hours, CELL)]
    )
    table = Table(rows, colWidths=[14 * mm, 80 * mm, 32 * mm, 40 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    issued = found.issued_at
    story += [
        table,
        Spacer(1, 8 * mm),
        Paragraph(
            "本证明依据民政部《志愿服务记录与证明出具办法》，由记录服务时长的组织出具（谁记录谁证明）。",
            PLAIN,
        ),
        Spacer(1, 6 * mm),
        Paragraph(f"出具单位：{community}（盖章）", PLAIN),
        Paragraph(f"出具日期：{_day(issued.astimezone(LOCAL)) if issued else ''}", PLAIN),
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    QrCode(verify_link, 32 * mm),
                    Paragraph(
                        f"扫描二维码或访问以下网址，输入证明编号查验真伪：<br/>{escape(verify_link)}", PLAIN
                    ),
                ]
            ],
            colWidths=[38 * mm, 128 * mm],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
        ),
    ]
    document.build(story)
    return out.getvalue()
