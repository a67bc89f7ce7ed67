"""Star thresholds (星级门槛) in the rules editor: a street admin publishes Beijing's for the whole
street; a community admin may not publish street-wide; bad thresholds are named."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import demo
from tests.members_client import rid
from tests.web.people import signed_in

BEIJING = [100, 200, 500, 800, 1000]
NATIONAL = [100, 300, 600, 1000, 1500]


def draft(client, community: str, days_ahead: int) -> dict:
    rules = client.get("/api/v1/admin/rules", params={"community_id": community}).json()
    body = dict(rules["in_force"]["rules"])
    effective = (datetime.now(UTC) + timedelta(days=days_ahead)).date().isoformat()
    body.update(effective_date=effective, title="")
    return body


def home_id(client) -> str:
    rules = client.get("/api/v1/admin/rules").json()
    return rules["community_id"]


def test_a_street_admin_publishes_beijings_star_thresholds_for_the_whole_street(site):
    street = signed_in(site, demo.ADMIN_PHONE)
    community = home_id(street)
    body = draft(street, community, 310)
    assert body["star_hours"] == NATIONAL
    body.update(star_hours=BEIJING, for_street=True, title="北京市星级志愿者标准")
    shown = street.post("/api/v1/admin/rules/preview", json={"community_id": community, "draft": body})
    assert shown.status_code == 200, shown.text
    published = street.post(
        "/api/v1/admin/rules/publish",
        json={
            "community_id": community,
            "draft": body,
            "preview_token": shown.json()["preview_token"],
            "request_id": rid(),
        },
    )
    assert published.status_code == 200, published.text
    version = published.json()
    assert version["scope"] == "street" and version["rules"]["star_hours"] == BEIJING

    page = street.get("/admin/rules")
    assert page.status_code == 200
    assert 'id="star_1"' in page.text and 'id="for_street"' in page.text


def test_a_community_admin_cannot_publish_street_wide_and_bad_thresholds_are_named(site):
    admin = signed_in(site, "13800000001")
    community = home_id(admin)
    assert 'id="for_street"' not in admin.get("/admin/rules").text
    body = draft(admin, community, 320)
    body.update(star_hours=BEIJING, for_street=True)
    shown = admin.post("/api/v1/admin/rules/preview", json={"community_id": community, "draft": body})
    assert shown.status_code == 200, shown.text
    refused = admin.post(
        "/api/v1/admin/rules/publish",
        json={
            "community_id": community,
            "draft": body,
            "preview_token": shown.json()["preview_token"],
            "request_id": rid(),
        },
    )
    assert refused.status_code == 403, refused.text
    assert "街道管理员" in refused.json()["error"]["message"]

    body.update(star_hours=[100, 300, 300, 1000, 1500], for_street=False)
    wrong = admin.post("/api/v1/admin/rules/preview", json={"community_id": community, "draft": body})
    assert wrong.status_code == 422, wrong.text
    assert "星级门槛" in wrong.json()["error"]["message"]
    # The editor's form names the box that is not a number.
    page = admin.get("/admin/rules")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    fields = {"csrf_token": token, "community": community, **_form(page.text), "star_2": "两百"}
    answer = admin.post("/admin/rules/preview", data=fields)
    assert answer.status_code == 422
    assert "星级门槛请填写整数小时数" in answer.text


def _form(html: str) -> dict:
    """The editor's filled inputs, as the browser would send them."""
    found = dict(re.findall(r'<input id="([a-z_0-9]+)" name="\1"[^>]*value="([^"]*)"', html))
    found["rounding_mode"] = "down"
    found["expiry_policy"] = "end_of_year"
    return found
