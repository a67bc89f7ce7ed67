"""Volunteer rolls as xlsx sheets (姓名/手机号/网格): reading an upload, checking each row, the blank
template, and the member list written out. Pure: bytes in, rows out; no service is called here."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook, load_workbook

HEADERS = ("姓名", "手机号", "网格")
EXPORT_HEADERS = ("姓名", "手机号", "网格", "角色", "状态")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_NAME = 40
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The same rule as members' (a mainland mobile number); members checks it again on registration.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


class SheetError(Exception):
    """The file as a whole cannot be read as a roll: a sentence for the admin."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RawRow:
    """One filled row as the sheet has it; `line` is its row number in the spreadsheet."""

    line: int
    name: str
    phone: str
    grid: str


@dataclass(frozen=True)
class CheckedRow:
    line: int
    name: str
    phone: str
    grid: str
    grid_id: str
    error: str

    @property
    def ok(self) -> bool:
        return not self.error


def read_sheet(data: bytes, filename: str, _: Callable[[str], str] = lambda s: s) -> list[RawRow]:
    """The filled rows of the first sheet under the headers 姓名/手机号/网格; empty rows are skipped."""
    if not filename.lower().endswith(".xlsx"):
        raise SheetError(_("只能导入 .xlsx 格式的表格，请用模板填写后上传"))
    if not data:
        raise SheetError(_("上传的文件是空的"))
    if len(data) > MAX_BYTES:
        raise SheetError(_("文件太大：不能超过 2 MB"))
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SheetError(_("无法读取这个文件，请确认是 .xlsx 格式的表格")) from None
    try:
        lines = book.worksheets[0].iter_rows(values_only=True) if book.worksheets else iter(())
        header = next(lines, None)
        if tuple(_text(v) for v in (header or ())[:3]) != HEADERS:
            raise SheetError(_("表头应为第一行的“姓名”“手机号”“网格”三列，请使用模板"))
        rows: list[RawRow] = []
        for number, values in enumerate(lines, start=2):
            cells = [_text(v) for v in (values or ())[:3]] + ["", "", ""]
            if not any(cells[:3]):
                continue
            if len(rows) == MAX_ROWS:
                raise SheetError(_("一次最多导入 2000 人，请把表格分成几份"))
            rows.append(RawRow(number, cells[0], cells[1], cells[2]))
    finally:
        book.close()
    if not rows:
        raise SheetError(_("表格里没有可导入的人员"))
    return rows


def check_rows(
    rows: Iterable[RawRow],
    grids: dict[str, str],
    registered: set[str],
    _: Callable[[str], str] = lambda s: s,
) -> list[CheckedRow]:
    """Each row OK or with its first error: `grids` maps grid names of the community to their ids,
    `registered` holds the phone numbers already registered there."""
    seen: set[str] = set()
    checked = []
    for row in rows:
        phone = normal_phone(row.phone)
        error = ""
        if not row.name:
            error = _("缺少姓名")
        elif len(row.name) > MAX_NAME:
            error = _("姓名太长（最多 40 个字）")
        elif not phone:
            error = _("手机号格式不正确，应为 11 位手机号")
        elif phone in seen:
            error = _("手机号与表格中前面的行重复")
        elif phone in registered:
            error = _("已注册：该手机号已是本社区成员")
        elif row.grid and row.grid not in grids:
            error = _("本社区没有这个网格")
        if phone:
            seen.add(phone)
        checked.append(
            CheckedRow(row.line, row.name, phone or row.phone, row.grid, grids.get(row.grid, ""), error)
        )
    return checked


def normal_phone(raw: str) -> str:
    """The 11 digits of a mainland mobile number written with spaces, dashes or +86; "" if it is none."""
    digits = _SEPARATORS.sub("", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else ""


def template() -> bytes:
    """The blank roll to fill in: the three headers and one example row."""
    return _workbook("志愿者名单", [HEADERS, ("张三", "13912345678", "第一网格")], widths=(14, 16, 14))


def member_list(rows: Iterable[tuple[str, str, str, str, str]]) -> bytes:
    """The member list: 姓名/手机号/网格/角色/状态, one row a member."""
    return _workbook("人员名单", [EXPORT_HEADERS, *rows], widths=(14, 16, 14, 24, 10))


def _workbook(title: str, rows: Iterable[Iterable[str]], widths: tuple[int, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        # Phones stay text (a number column shows them in scientific notation), and a name that begins
        # with "=" stays a name: openpyxl would otherwise store it as a formula for Excel to run.
        sheet.append([str(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
    for letter, width in zip("ABCDE", widths, strict=False):
        sheet.column_dimensions[letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
