"""关怀模式 and the MIIT 适老化 figures, measured in the browser: text size, line height, tap targets."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.town import STAFF, VOLUNTEER

PAGES = ("/", "/statement", "/activities", "/hours", "/market", "/orders", "/profile", "/counter")
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
    text_px, tap_px = FIGURES[care]
    # 陈淑珍 is a volunteer and the shop's assistant, so she sees the counter page too.
    person = visitor("figures", viewport, care=care)
    person.log_in(STAFF)
    for path in PAGES:
        measured = person.go(path, f"figures{path.replace('/', '-') or '-home'}").evaluate(MEASURE)
        assert measured["size"] >= text_px, f"{path}: body text {measured['size']}px"
        assert measured["line"] >= 1.3 * measured["size"], f"{path}: line height {measured['line']}px"
        small = [t for t in measured["targets"] if t[1] < tap_px or t[2] < tap_px]
        assert not small, f"{path}: tap targets under {tap_px}px: {small}"


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
