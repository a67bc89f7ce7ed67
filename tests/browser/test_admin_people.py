"""The admin console's people pages, on a laptop and a phone, within the admin's own community."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import COMMUNITY_ADMIN


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_community_admin_finds_a_volunteer_and_opens_their_record(visitor, viewport):
    admin = visitor("admin-people", viewport)
    page = admin.log_in(COMMUNITY_ADMIN)
    admin.follow(page.get_by_role("link", name="管理"), "admin-people")
    rows = page.locator("table.data tbody tr")
    assert rows.count() >= 5
    page.fill("#q", "王秀兰")
    admin.follow(page.get_by_role("button", name="查找"), "admin-people-found")
    assert rows.count() == 1
    admin.follow(page.get_by_role("link", name="王秀兰"), "admin-person")
    main = page.inner_text("main")
    assert "王秀兰" in main and "可用积分" in main and "服务时长记录" in main
    assert "表彰：优秀志愿者" in main


def workbook(download):
    """The downloaded xlsx as openpyxl reads it (the download's path has no extension)."""
    return load_workbook(BytesIO(Path(download.path()).read_bytes()))


def roll_of_fifty(path, prefix: str, first_phone: int):
    """47 good rows, then a bad phone, a phone repeated from the first row, and a grid that does not exist."""
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "网格"])
    for n in range(47):
        sheet.append(
            [f"{prefix}{n + 1:02d}", str(first_phone + n), ("第一网格", "第二网格", "第三网格")[n % 3]]
        )
    sheet.append([f"{prefix}坏号", "1370000", "第一网格"])
    sheet.append([f"{prefix}重复", str(first_phone), "第一网格"])
    sheet.append([f"{prefix}无网格", str(first_phone + 47), "第九网格"])
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("viewport", "prefix", "first_phone"),
    [(DESKTOP, "桌导", 13700001000), (PHONE, "机导", 13700002000)],
    ids=["desktop", "phone"],
)
def test_an_admin_imports_fifty_volunteers_of_whom_three_are_refused_and_exports_the_list(
    visitor, viewport, prefix, first_phone, tmp_path
):
    roll = roll_of_fifty(tmp_path / "志愿者名单.xlsx", prefix, first_phone)
    admin = visitor("admin-import", viewport)
    page = admin.log_in(COMMUNITY_ADMIN)
    admin.go("/admin/people", "people")
    admin.follow(page.get_by_role("link", name="从表格导入"), "import")
    with page.expect_download() as template:
        page.get_by_role("link", name="下载导入模板（xlsx）").click()
    headers = next(workbook(template.value).active.iter_rows(values_only=True))
    assert headers == ("姓名", "手机号", "网格")

    page.set_input_files("#sheet", str(roll))
    admin.follow(page.get_by_role("button", name="上传并预览"), "import-preview")
    assert page.inner_text("#ok-count") == "47" and page.inner_text("#error-count") == "3"
    problems = page.locator("tr.problem").all_inner_texts()
    assert len(problems) == 3
    assert "手机号格式不正确" in problems[0] and "第 49 行" in problems[0]
    assert "重复" in problems[1] and "本社区没有这个网格" in problems[2]
    # Passwords are hashed slowly on purpose: a long roll goes in batches of about 20 seconds.
    page.set_default_timeout(90_000)
    admin.follow(page.get_by_role("button", name="导入 47 名志愿者"), "imported")
    shown = page.locator("code.password").count()
    more = page.get_by_role("button", name=re.compile("继续导入剩余"))
    while more.count():
        admin.follow(more, "imported-more")
        shown += page.locator("code.password").count()
    assert shown == 47 and "已登记" in page.inner_text("main")

    admin.go("/admin/people/import", "import-again")
    page.set_input_files("#sheet", str(roll))
    admin.follow(page.get_by_role("button", name="上传并预览"), "import-again-preview")
    main = page.inner_text("main")
    assert "没有需要导入的人员" in main and "其中 47 人已经注册过" in main
    assert page.inner_text("#ok-count") == "0"
    assert page.get_by_role("button", name="导入").count() == 0

    admin.go("/admin/people", "people-after")
    page.fill("#q", prefix)
    admin.follow(page.get_by_role("button", name="查找"), "people-imported")
    assert "共 47 人" in page.inner_text("main")
    with page.expect_download() as exported:
        page.get_by_role("link", name="导出名单").click()
    assert exported.value.suggested_filename.startswith("张苏滩社区人员名单")
    rows = list(workbook(exported.value).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "手机号", "网格", "角色", "状态")
    assert sorted(r[1] for r in rows[1:]) == [str(first_phone + n) for n in range(47)]
    assert rows[1][3:] == ("志愿者", "正常") and {r[2] for r in rows[1:]} == {
        "第一网格",
        "第二网格",
        "第三网格",
    }


@pytest.mark.parametrize(
    ("viewport", "phone"), [(DESKTOP, "13700003001"), (PHONE, "13700003002")], ids=["desktop", "phone"]
)
def test_an_admin_registers_a_volunteer_makes_them_grid_worker_and_deactivates_and_reactivates_them(
    visitor, viewport, phone
):
    admin = visitor("admin-register", viewport)
    page = admin.log_in(COMMUNITY_ADMIN)
    admin.go("/admin/people", "people")
    admin.follow(page.get_by_role("link", name="登记志愿者"), "register")
    page.fill("#name", "蒋新登")
    page.fill("#phone", "1370000")
    admin.follow(page.get_by_role("button", name="登记"), "register-bad-phone")
    assert "手机号格式不正确" in page.inner_text(".error-summary")
    page.fill("#phone", phone)
    page.select_option("#grid", label="第二网格")
    admin.follow(page.get_by_role("button", name="登记"), "registered")
    password = page.inner_text(".code.password").strip()
    assert len(password) == 10

    newcomer = visitor("admin-register-newcomer", viewport)
    assert "蒋新登" in newcomer.log_in(phone, password).inner_text("main")

    admin.follow(page.get_by_role("link", name="设置角色"), "person")
    page.check("#grid_worker")
    page.select_option("#grid_id", label="第二网格")
    admin.follow(page.get_by_role("button", name="保存角色"), "roles-saved")
    assert "角色已更新" in page.inner_text("main") and page.is_checked("#grid_worker")

    admin.follow(page.get_by_role("link", name="停用账号"), "deactivate-confirm")
    assert page.get_attribute("#reason", "required") is not None
    page.fill("#reason", "搬离本社区")
    admin.follow(page.get_by_role("button", name="确认停用"), "deactivated")
    assert "已停用，该成员不能再登录" in page.inner_text("main")
    admin.follow(page.get_by_role("link", name="恢复账号"), "reactivate-confirm")
    admin.follow(page.get_by_role("button", name="确认恢复"), "reactivated")
    assert "已恢复" in page.inner_text("main") and page.get_by_role("link", name="停用账号").count() == 1

    admin.go("/admin/people/organizations", "units")
    page.fill("#name", f"共建单位{phone[-4:]}")
    admin.follow(page.get_by_role("button", name="添加单位"), "unit-added")
    row = page.locator("tr", has_text=f"共建单位{phone[-4:]}")
    row.locator("input[name=phone]").fill(phone)
    admin.follow(row.get_by_role("button", name="加入"), "unit-member-added")
    assert "1 人" in page.locator("tr", has_text=f"共建单位{phone[-4:]}").inner_text()


def test_the_people_pages_in_care_mode(visitor):
    admin = visitor("admin-people-care", PHONE, care=True)
    page = admin.log_in(COMMUNITY_ADMIN)
    admin.go("/admin/people", "people")
    admin.go("/admin/people/new", "register")
    admin.go("/admin/people/import", "import")
    assert page.locator("html.care").count() == 1
