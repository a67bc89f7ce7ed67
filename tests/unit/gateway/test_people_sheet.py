"""Reading and checking a volunteer roll (姓名/手机号/网格) before anyone is registered from it."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from services.gateway.service import people_sheet
from services.gateway.service.people_sheet import RawRow, SheetError, check_rows, read_sheet

GRIDS = {"第一网格": "grid-1", "第二网格": "grid-2"}


def sheet(*rows, headers=people_sheet.HEADERS) -> bytes:
    book = Workbook()
    page = book.active
    if headers is not None:
        page.append(list(headers))
    for row in rows:
        page.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_filled_rows_are_read_with_their_spreadsheet_line_and_empty_rows_skipped():
    data = sheet(("王一", "13912340001", "第一网格"), (None, None, None), ("  李二 ", 13912340002, ""))
    assert read_sheet(data, "名单.xlsx") == [
        RawRow(2, "王一", "13912340001", "第一网格"),
        RawRow(4, "李二", "13912340002", ""),
    ]


def test_each_row_is_ok_or_carries_its_first_error():
    rows = [
        RawRow(2, "王一", "139 1234 0001", "第一网格"),
        RawRow(3, "李二", "1391234", "第一网格"),
        RawRow(4, "张三", "13912340001", "第二网格"),
        RawRow(5, "赵四", "13912340004", "第九网格"),
        RawRow(6, "", "13912340005", ""),
        RawRow(7, "钱五", "13800000011", ""),
        RawRow(8, "孙六", "+86 139-1234-0007", ""),
    ]
    checked = check_rows(rows, GRIDS, registered={"13800000011"})
    assert [(r.line, r.error) for r in checked] == [
        (2, ""),
        (3, "手机号格式不正确，应为 11 位手机号"),
        (4, "手机号与表格中前面的行重复"),
        (5, "本社区没有这个网格"),
        (6, "缺少姓名"),
        (7, "已注册：该手机号已是本社区成员"),
        (8, ""),
    ]
    assert checked[0].phone == "13912340001" and checked[0].grid_id == "grid-1"
    assert checked[-1].phone == "13912340007" and checked[-1].grid_id == ""


def test_the_errors_come_in_the_admins_language():
    english = {"本社区没有这个网格": "no such grid in this community"}
    checked = check_rows(
        [RawRow(2, "王一", "13912340001", "第九网格")], GRIDS, set(), lambda s: english.get(s, s)
    )
    assert checked[0].error == "no such grid in this community"


def test_wrong_headers_are_refused_with_a_sentence():
    with pytest.raises(SheetError, match="表头应为"):
        read_sheet(sheet(("王一", "13912340001", "第一网格"), headers=("名字", "电话", "网格")), "a.xlsx")
    with pytest.raises(SheetError, match="表头应为"):
        read_sheet(sheet(headers=None), "a.xlsx")


def test_a_sheet_with_headers_only_has_nobody_to_import():
    with pytest.raises(SheetError, match="没有可导入的人员"):
        read_sheet(sheet((None, None, None)), "a.xlsx")


def test_more_rows_than_the_limit_are_refused():
    rows = [(f"人{i}", f"139{i:08d}", "") for i in range(people_sheet.MAX_ROWS + 1)]
    with pytest.raises(SheetError, match="最多导入 2000 人"):
        read_sheet(sheet(*rows), "a.xlsx")
    assert len(read_sheet(sheet(*rows[:-1]), "a.xlsx")) == people_sheet.MAX_ROWS


def test_only_an_xlsx_file_within_the_size_limit_is_read():
    with pytest.raises(SheetError, match=r"\.xlsx"):
        read_sheet(sheet(("王一", "13912340001", "")), "名单.xls")
    with pytest.raises(SheetError, match="无法读取"):
        read_sheet(b"name,phone\n", "名单.xlsx")
    with pytest.raises(SheetError, match="2 MB"):
        read_sheet(b"x" * (people_sheet.MAX_BYTES + 1), "名单.xlsx")
    with pytest.raises(SheetError, match="空的"):
        read_sheet(b"", "名单.xlsx")


def test_the_template_reads_back_as_one_valid_example_row():
    rows = read_sheet(people_sheet.template(), "模板.xlsx")
    assert len(rows) == 1
    assert check_rows(rows, GRIDS, set())[0].ok


def test_the_exported_list_keeps_phones_as_text_and_names_never_become_formulas():
    data = people_sheet.member_list([("=HYPERLINK(1)", "13912340001", "第一网格", "志愿者", "正常")])
    page = load_workbook(BytesIO(data)).active
    assert [c.value for c in page[1]] == list(people_sheet.EXPORT_HEADERS)
    assert [c.value for c in page[2]] == ["=HYPERLINK(1)", "13912340001", "第一网格", "志愿者", "正常"]
    assert page["A2"].data_type == "s"
