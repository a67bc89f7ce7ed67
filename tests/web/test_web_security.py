"""The web app attacked from outside over HTTP: roles, shops, CSRF, cookies, logout, headers, logins."""

from __future__ import annotations

import re

import httpx
import pytest

import demo
from tests.members_client import rid
from tests.web.people import redeem, second_shop_staff, signed_in

pytestmark = pytest.mark.system

VOLUNTEER = "13800000013"  # 张桂英


def test_a_volunteer_gets_403_on_the_counter_pages_and_the_staff_api(site):
    volunteer = signed_in(site, VOLUNTEER)
    assert volunteer.get("/counter").status_code == 403
    assert volunteer.get("/counter/history").status_code == 403
    refused = volunteer.post("/api/v1/counter/find", json={"pickup_code": "12345678"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "您没有权限打开这个页面"
    assert volunteer.post("/api/v1/counter/confirm", json={"pickup_code": "12345678"}).status_code == 403
    assert volunteer.get("/grid").status_code == 403


def test_staff_of_one_shop_cannot_confirm_another_shops_order(site):
    buyer = signed_in(site, demo.BUYER_PHONE)
    order = redeem(buyer, "牙膏")
    other_staff = signed_in(site, second_shop_staff(site))
    by_code = other_staff.post("/api/v1/counter/confirm", json={"pickup_code": order["pickup_code"]})
    assert by_code.status_code == 404
    assert "核销码不正确" in by_code.json()["error"]["message"]
    still = buyer.get(f"/api/v1/orders/{order['redemption_id']}").json()
    assert still["status"] == "awaiting_pickup"


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(site):
    volunteer = signed_in(site, VOLUNTEER)
    before = volunteer.get("/api/v1/me/home").json()["available"]
    orders_before = volunteer.get("/api/v1/me/orders").json()
    items = volunteer.get("/api/v1/market/items").json()["items"]
    forged = volunteer.post(
        f"/market/items/{items[0]['item_id']}/redeem", data={"quantity": "1", "request_id": rid()}
    )
    assert forged.status_code == 403 and "页面已过期" in forged.text
    no_header = httpx.Client(base_url=site.url, cookies=volunteer.cookies)
    unsigned = no_header.post(
        f"/api/v1/market/items/{items[0]['item_id']}/redeem", json={"request_id": rid()}
    )
    assert unsigned.status_code == 403
    assert volunteer.get("/api/v1/me/home").json()["available"] == before
    assert volunteer.get("/api/v1/me/orders").json() == orders_before


def test_the_session_cookie_is_http_only_and_same_site(site):
    with httpx.Client(base_url=site.url) as client:
        answer = client.post("/api/v1/session", json={"phone": VOLUNTEER, "password": demo.PASSWORD})
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("jifen_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_after_logout_the_old_cookie_no_longer_works(site):
    volunteer = signed_in(site, VOLUNTEER)
    old = dict(volunteer.cookies)
    assert volunteer.get("/api/v1/me/home").status_code == 200
    assert volunteer.delete("/api/v1/session").status_code == 204
    replayed = httpx.Client(base_url=site.url, cookies=old)
    assert replayed.get("/api/v1/me/home").status_code == 401
    page = replayed.get("/")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_an_expired_session_leads_to_the_login_page_and_back_to_where_the_person_was_going(site):
    with httpx.Client(base_url=site.url, cookies={"jifen_session": "not-a-token"}) as client:
        page = client.get("/orders?x=1")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/orders%3Fx%3D1"


def test_every_answer_carries_the_security_headers_and_a_csp_without_inline_script(site):
    for path in ("/login", "/api/v1/me/home", "/static/site.css"):
        headers = httpx.get(site.url + path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"


def test_a_refusal_reads_as_a_plain_sentence_with_its_status_and_never_a_trace(site):
    volunteer = signed_in(site, VOLUNTEER)
    missing = volunteer.get("/api/v1/orders/01xxxxxxxxxxxxxxxxxxxxxxxx")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] and "Traceback" not in missing.text
    page = volunteer.get("/orders/01xxxxxxxxxxxxxxxxxxxxxxxx")
    assert page.status_code == 404 and "出现问题" in page.text and "Traceback" not in page.text
    too_many = volunteer.post(
        f"/api/v1/market/items/{volunteer.get('/api/v1/market/items').json()['items'][0]['item_id']}/redeem",
        json={"quantity": 500, "request_id": rid()},
    )
    assert too_many.status_code == 422


def test_logins_from_many_addresses_are_not_throttled_together_but_six_wrong_passwords_are(site):
    for n in range(120):
        with httpx.Client(base_url=site.url) as client:
            answer = client.post(
                "/api/v1/session",
                json={"phone": demo.BUYER_PHONE, "password": demo.PASSWORD},
                headers={"x-forwarded-for": f"10.1.{n // 250}.{n % 250 + 1}"},
            )
        assert answer.status_code == 200, (n, answer.text)
    with httpx.Client(base_url=site.url) as client:
        answers = [
            client.post(
                "/api/v1/session",
                json={"phone": "13800000014", "password": "wrong-password"},
                headers={"x-forwarded-for": f"10.2.0.{n + 1}"},
            )
            for n in range(6)
        ]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    assert answers[5].status_code == 429
    assert "尝试次数过多" in answers[5].json()["error"]["message"]


def test_an_expired_access_token_is_renewed_with_the_refresh_cookie_until_logout(site):
    volunteer = signed_in(site, VOLUNTEER)
    refresh = volunteer.cookies["jifen_refresh"]
    # As if the 15-minute access token had run out: only the refresh cookie still counts.
    stale = httpx.Client(base_url=site.url, cookies={"jifen_session": "expired", "jifen_refresh": refresh})
    home = stale.get("/api/v1/me/home")
    assert home.status_code == 200 and home.json()["name"] == "张桂英"
    renewed = {c.split("=", 1)[0] for c in home.headers.get_list("set-cookie")}
    assert {"jifen_session", "jifen_refresh"} <= renewed
    # The refresh token was used once; presenting it again ends the whole session.
    reused = httpx.Client(base_url=site.url, cookies={"jifen_session": "expired", "jifen_refresh": refresh})
    assert reused.get("/api/v1/me/home").status_code == 401


def test_wrong_pickup_codes_at_the_counter_are_limited_and_the_page_says_so_in_plain_words(site):
    staff = signed_in(site, second_shop_staff(site, "13900000022", "天庆嘉园积分超市二店"))
    form = {"csrf_token": staff.headers["x-csrf-token"], "pickup_code": "0000 0000"}
    pages = [staff.post("/counter/find", data=form) for _ in range(6)]
    assert [p.status_code for p in pages[:5]] == [404] * 5
    assert "核销码不正确，请核对后重新输入" in pages[0].text
    assert pages[5].status_code == 429
    assert "核销码错误次数过多，请稍后再试" in pages[5].text and "Traceback" not in pages[5].text


def test_a_volunteer_switches_proxy_redemption_off_and_on_from_their_page(site):
    volunteer = signed_in(site, VOLUNTEER)
    csrf = volunteer.headers["x-csrf-token"]
    assert "网格员可以为您代兑换" in volunteer.get("/profile").text
    try:
        off = volunteer.post("/profile/proxy-redemption", data={"csrf_token": csrf, "allowed": "0"})
        assert off.status_code == 303 and off.headers["location"] == "/profile"
        assert "您已关闭代兑换" in volunteer.get("/profile").text
    finally:
        on = volunteer.post("/profile/proxy-redemption", data={"csrf_token": csrf, "allowed": "1"})
    assert on.status_code == 303
    assert "网格员可以为您代兑换" in volunteer.get("/profile").text


def _routes(router, prefix: str = ""):
    """Every (path, method) a router serves, through the routers it includes."""
    for route in router.routes:
        if hasattr(route, "original_router"):
            yield from _routes(route.original_router, prefix + route.include_context.prefix)
        else:
            for method in getattr(route, "methods", ()) or ():
                yield prefix + route.path, method


def test_volunteers_and_staff_get_403_on_every_admin_route(site):
    from services.gateway.entrypoints import api, pages

    admin_routes = sorted(
        (path, method)
        for path, method in [*_routes(pages.router), *_routes(api.router)]
        if path.startswith(("/admin", "/api/v1/admin")) and method != "HEAD"
    )
    paths = {path for path, _ in admin_routes}
    assert {"/admin/people", "/api/v1/admin/members"} <= paths
    for phone in (VOLUNTEER, demo.STAFF_PHONE):
        person = signed_in(site, phone)
        someone = person.get("/api/v1/me/orders")  # any member id will do: their own
        assert someone.status_code == 200
        csrf = person.headers["x-csrf-token"]
        for path, method in admin_routes:
            # Any id in the path: the refusal comes before anything is looked up.
            url = re.sub(r"{[^}]+}", "01m8qdt8zg5y8448yajrnmagm5", path)
            if method == "GET":
                answer = person.get(url)
            elif path.startswith("/api/"):
                answer = person.request(method, url, json={})
            else:
                answer = person.request(method, url, data={"csrf_token": csrf})
            assert answer.status_code == 403, (phone, method, path, answer.status_code)


def test_an_admin_of_one_community_sees_nothing_of_the_other(site):
    home_admin = signed_in(site, "13800000001")
    other_staff = signed_in(site, second_shop_staff(site, "13900000023", "天庆嘉园积分超市三店"))
    stranger = other_staff.get("/api/v1/me/home").json()
    assert stranger["name"] == "孙丽"
    people = home_admin.get("/api/v1/admin/members").json()
    assert "孙丽" not in {m["name"] for m in people["members"]}
    assert len(people["communities"]) == 1
    street_admin = signed_in(site, demo.ADMIN_PHONE)
    communities = street_admin.get("/api/v1/admin/members").json()["communities"]
    # Both demo communities (other tests add communities of their own to the street).
    assert {"张苏滩社区", "天庆嘉园社区"} <= {c["name"] for c in communities}
    tianqing = next(c["community_id"] for c in communities if c["name"] == "天庆嘉园社区")
    assert home_admin.get(f"/api/v1/admin/members?community_id={tianqing}").status_code == 403
    found = street_admin.get(f"/api/v1/admin/members?community_id={tianqing}&q=孙丽").json()["members"]
    assert found and found[0]["name"] == "孙丽"
    assert home_admin.get(f"/api/v1/admin/members/{found[0]['member_id']}").status_code in (403, 404)
