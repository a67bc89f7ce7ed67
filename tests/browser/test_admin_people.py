"""The admin console's people pages, on a laptop and a phone, within the admin's own community."""

from __future__ import annotations

import pytest

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
