"""The certificate of service as a PDF: Chinese text that reads back, the hours, the serial and the link."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

from pypdf import PdfReader

from services.gateway.adapters import certificate_pdf
from services.gateway.service.views_certificates import Certificate, CertifiedActivity, hours_text

LINK = "https://jifen.example.cn/verify/ZM2026-D9WB-43QN-C5DF"


def test_hours_are_shown_with_at_most_one_decimal():
    assert [hours_text(m) for m in (0, 30, 90, 120, 285, 600)] == ["0", "0.5", "1.5", "2", "4.8", "10"]


def test_the_pdf_states_the_volunteer_the_hours_by_activity_and_the_serial_in_chinese():
    found = Certificate(
        serial="ZM2026-D9WB-43QN-C5DF",
        member_id="m-1",
        member_name="王秀兰",
        community_name="张苏滩社区",
        from_date=date(2026, 1, 1),
        to_date=date(2026, 12, 1),
        activities=[
            CertifiedActivity(title="环境卫生整治", date=date(2026, 11, 23), minutes=180),
            CertifiedActivity(title="助老送餐 <b>", date=date(2026, 11, 26), minutes=105),
        ],
        total_minutes=285,
        # 04:00 in Shanghai on 1 December.
        issued_at=datetime(2026, 11, 30, 20, 0, tzinfo=UTC),
    )
    data = certificate_pdf.render(found, LINK)
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).replace("\n", "")
    for words in (
        "志愿服务证明",
        "王秀兰",
        "2026年1月1日 至 2026年12月1日",
        "张苏滩社区",
        "共计 4.8 小时（285 分钟）",
        "环境卫生整治",
        "助老送餐 <b>",
        "ZM2026-D9WB-43QN-C5DF",
        "出具日期：2026年12月1日",
        LINK,
    ):
        assert words in text, words
