"""The web app as its people use it on their phones: a volunteer, the organiser, shop staff, a grid worker."""

from __future__ import annotations

import re
import time

from tests.browser.conftest import DESKTOP
from tests.browser.town import ELDERLY, GRID_WORKER, STAFF, VOLUNTEER, Town


def available_on_home(volunteer) -> int:
    page = volunteer.go("/", "home")
    return int(page.get_by_test_id("available").inner_text().split()[0])


def read_code(page, test_id: str) -> str:
    return re.sub(r"\D", "", page.get_by_test_id(test_id).inner_text())


def test_a_volunteer_serves_redeems_collects_and_cancels_and_a_grid_worker_redeems_for_an_elder(
    site, visitor
):
    town = Town(site)
    town.exact_minute_rules()
    activity = town.activity_starting_soon("楼道清洁日")
    town.award(VOLUNTEER, 100)
    town.award(ELDERLY, 100)

    # The volunteer signs up on their phone.
    volunteer = visitor("volunteer")
    volunteer.log_in(VOLUNTEER)
    before = available_on_home(volunteer)
    page = volunteer.go("/activities", "activities")
    volunteer.follow(page.get_by_role("link", name="楼道清洁日"), "activity")
    volunteer.follow(page.get_by_role("button", name="我要报名"), "signed-up")
    assert "报名成功" in page.inner_text("main")

    # The organiser shows the rotating code on a screen; the volunteer types it in.
    organiser = visitor("organiser", DESKTOP)
    organiser.log_in("13800000001")
    screen = organiser.go(f"/activities/{activity.activity_id}/screen", "check-in-screen")
    assert screen.locator("svg").count() >= 1, "the screen shows the check-in QR"
    page = volunteer.go(f"/activities/{activity.activity_id}/check-in", "check-in")
    page.fill("#code", read_code(screen, "check-in-code"))
    volunteer.follow(page.get_by_role("button", name="签到", exact=True), "checked-in")
    assert "签到成功" in page.inner_text("main")
    checked_in_at = time.monotonic()

    # The volunteer redeems toothpaste: a confirmation step, then the code and its QR.
    page = volunteer.go("/market", "market")
    volunteer.follow(page.locator("li", has_text="牙膏").get_by_role("link", name="兑换"), "redeem-confirm")
    volunteer.follow(page.get_by_role("button", name="确认兑换"), "redeemed")
    code = read_code(page, "pickup-code")
    assert len(code) == 8
    assert page.get_by_test_id("pickup-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    order_url = page.url

    # Staff at the counter enter the code, see who and what, and hand it over.
    staff = visitor("staff")
    staff.log_in(STAFF)
    counter = staff.go("/counter", "counter")
    counter.fill("#pickup_code", code)
    staff.follow(counter.get_by_role("button", name="查看兑换单"), "counter-order")
    assert "李建国" in counter.get_by_test_id("member-name").inner_text()
    staff.follow(counter.get_by_role("button", name="确认交付，完成核销"), "counter-done")
    assert "核销完成" in counter.inner_text("main")
    page = volunteer.go("/orders", "orders")
    assert "已核销" in page.locator("li", has_text="牙膏").inner_text()

    # A grid worker redeems a towel for an elderly volunteer of their grid.
    grid = visitor("grid-worker")
    grid.log_in(GRID_WORKER)
    page_grid = grid.go("/grid?q=" + ELDERLY[-4:], "grid-search")
    grid.follow(page_grid.get_by_role("link", name="为他/她兑换").first, "grid-goods")
    grid.follow(page_grid.locator("li", has_text="毛巾").get_by_role("link", name="兑换"), "grid-confirm")
    assert "代兑换" in page_grid.inner_text("main")
    elder_before = town.available(ELDERLY)
    grid.follow(page_grid.get_by_role("button", name="确认兑换"), "grid-redeemed")
    assert len(read_code(page_grid, "pickup-code")) == 8
    assert town.available(ELDERLY) == elder_before - 40

    # The volunteer orders a towel too, changes their mind and cancels: the points come back.
    before_towel = available_on_home(volunteer)
    page = volunteer.go("/market", "market-again")
    volunteer.follow(page.locator("li", has_text="毛巾").get_by_role("link", name="兑换"), "towel-confirm")
    volunteer.follow(page.get_by_role("button", name="确认兑换"), "towel-ordered")
    assert available_on_home(volunteer) == before_towel - 40
    page = volunteer.go("/orders", "orders-with-towel")
    volunteer.follow(page.locator("li", has_text="毛巾").get_by_role("link").first, "towel-order")
    page.locator("summary").click()
    volunteer.follow(page.get_by_role("button", name="确认取消，积分退回"), "towel-cancelled")
    assert "已取消" in page.inner_text("main")
    assert available_on_home(volunteer) == before_towel

    # After at least a minute of service the volunteer opens the link in the QR now on the organiser's
    # screen (a token signed by points comes with it, not the guessable digits) and checks out.
    time.sleep(max(0.0, 62 - (time.monotonic() - checked_in_at)))
    organiser.go(f"/activities/{activity.activity_id}/screen", "check-in-screen-later")
    link = organiser.page.request.get(f"/api/v1/activities/{activity.activity_id}/check-in-screen").json()
    assert link["check_in_url"].startswith(site.url) and "token=jifen" in link["check_in_url"]
    assert "code=" not in link["check_in_url"]
    page = volunteer.go(link["check_in_url"].removeprefix(site.url), "check-out-from-qr")
    assert page.input_value("#code") == "" and page.get_by_test_id("scanned").is_visible()
    volunteer.follow(page.get_by_role("button", name="签退"), "checked-out")
    assert "签退成功" in page.inner_text("main")
    page = volunteer.go("/hours", "hours-pending")
    assert "待审核" in page.inner_text("main")

    # The admin approves the hours over gRPC; the volunteer sees the points and how they were computed.
    approved = town.approve_hours(activity.activity_id)
    assert approved[0].minutes >= 1
    earned = approved[0].minutes * 10
    assert available_on_home(volunteer) == before - 30 + earned
    page = volunteer.go("/statement", "statement")
    line = page.locator("li", has_text="楼道清洁日")
    assert f"+{earned}" in line.inner_text()
    assert "600 分/小时" in line.inner_text()
    assert order_url
