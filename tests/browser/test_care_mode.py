"""关怀模式 and the MIIT 适老化 figures, measured in the browser: text size, line height, tap targets."""

from __future__ import annotations

import pytest

import demo
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import GRID_WORKER, STAFF, VOLUNTEER

PAGES = (
    "/", "/statement", "/activities", "/needs", "/hours",
    "/certificates", "/market", "/orders", "/profile", "/verify",
)
# Pages reached by a link from another: (where the link is, the link's text).
FOLLOWED = (("/activities", "文明交通劝导"), ("/market", "兑换"), ("/orders", "毛巾 × 1"))
# (body text px, tap target px) in normal and in care mode.
FIGURES = {False: (18, 44), True: (24, 60)}

MEASURE = """() => {
  const body = getComputedStyle(document.body);
  const small = [];
  for (const el of document.querySelectorAll('a, button, input, select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden' || el.type === 'hidden') continue;
    if (box.right < 0 || box.bottom < 0) continue;  // the skip link waits off screen until focused
    const name = (el.innerText || el.name || el.id).trim().slice(0, 20);
    small.push([el.tagName + ' ' + name, box.width, box.height]);
  }
  return {size: parseFloat(body.fontSize), line: parseFloat(body.lineHeight), targets: small};
}"""


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_text_and_tap_targets_are_large_enough_on_every_page(visitor, care, viewport):
    figures = FIGURES[care]
    # 王秀兰 has points and an order waiting; 陈淑珍 minds the counter; 赵明 is a grid worker.
    person = visitor("figures", viewport, care=care)
    person.log_in(demo.BUYER_PHONE)
    for path in PAGES:
        check(person.go(path, page_name(path)), path, figures)
    for path, link in FOLLOWED:
        page = person.go(path, page_name(path))
        with page.expect_navigation():
            page.locator("main").get_by_role("link", name=link, exact=True).first.click()
        assert page.url != person.site.url + path, f"{link} did not open a page"
        check(person.look(page_name(path) + "-followed"), page.url, figures)
    for who, phone, path in (("staff", STAFF, "/counter"), ("grid-worker", GRID_WORKER, "/grid")):
        other = visitor(f"figures-{who}", viewport, care=care)
        other.log_in(phone)
        check(other.go(path, page_name(path)), path, figures)


def page_name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def check(page, where: str, figures: tuple[int, int]) -> None:
    text_px, tap_px = figures
    measured = page.evaluate(MEASURE)
    assert measured["size"] >= text_px, f"{where}: body text {measured['size']}px"
    assert measured["line"] >= 1.3 * measured["size"], f"{where}: line height {measured['line']}px"
    small = [t for t in measured["targets"] if t[1] < tap_px or t[2] < tap_px]
    assert not small, f"{where}: tap targets under {tap_px}px: {small}"


def test_care_mode_is_one_tap_away_and_stays_on(visitor):
    person = visitor("care-switch")
    page = person.log_in(VOLUNTEER)
    page.get_by_role("link", name="关怀模式（大字）").click()
    person.look("care-on")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    page = person.go("/market", "care-market")
    assert page.evaluate("document.documentElement.classList.contains('care')")
    page.get_by_role("link", name="标准模式").click()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 18


def test_the_english_switch_turns_every_page_into_english_and_back(visitor):
    person = visitor("english")
    page = person.log_in(VOLUNTEER)
    page.get_by_role("link", name="English").click()
    person.look("english-home")
    assert "Points to spend" in page.inner_text("main")
    assert page.evaluate("document.documentElement.lang") == "en"
    page = person.go("/market", "english-market")
    assert "Points supermarket" in page.inner_text("body")
    page.get_by_role("link", name="中文").click()
    assert "可用积分" in page.inner_text("body")


def test_the_pages_behind_each_action_pass_the_checks_in_care_mode(visitor, site):
    """The pages reached by acting (check-in, the organiser's screen, 代兑换, the counter's order) are
    checked in care mode too: axe-core, no sideways scrolling, large text and tap targets."""
    from tests.web.people import redeem, signed_in

    figures = FIGURES[True]
    volunteer = visitor("care-actions", care=True)
    page = volunteer.log_in(demo.BUYER_PHONE)
    page = volunteer.go("/activities", "activities")
    volunteer.follow(page.locator("main").get_by_role("link", name="文明交通劝导"), "activity")
    activity_path = page.url.removeprefix(site.url)
    check(volunteer.follow(page.get_by_role("link", name="签到 / 签退"), "check-in"), "check-in", figures)

    organiser = visitor("care-organiser", care=True)
    organiser.log_in("13800000001")
    check(organiser.go(activity_path + "/screen", "check-in-screen"), "screen", figures)

    grid = visitor("care-grid-worker", care=True)
    page = grid.log_in(GRID_WORKER)
    page = grid.go("/grid?q=0011", "grid-search")
    grid.follow(page.get_by_role("link", name="为他/她兑换").first, "grid-goods")
    check(page, "grid goods", figures)
    grid.follow(page.locator("li", has_text="牙膏").get_by_role("link", name="兑换"), "grid-confirm")
    check(page, "grid confirm", figures)

    order = redeem(signed_in(site, demo.BUYER_PHONE), "牙膏")
    staff = visitor("care-staff", care=True)
    page = staff.log_in(STAFF)
    page = staff.go("/counter", "counter")
    page.fill("#pickup_code", order["pickup_code"])
    staff.follow(page.get_by_role("button", name="查看兑换单"), "counter-order")
    check(page, "counter order", figures)
