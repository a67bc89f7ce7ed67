"""The web app's actions with in-memory stand-ins for the services: what a person would notice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import grpc
import pytest

from jifen.caller import GRID_WORKER, STAFF, VOLUNTEER, Caller, Grant
from jifen.points.v1 import activities_pb2 as apb
from jifen.points.v1 import ledger_pb2 as lpb
from services.gateway.adapters.grpc_calls import Credentials, call
from services.gateway.entrypoints.i18n import text
from services.gateway.entrypoints.render import local_path
from services.gateway.service import grid, organiser, staff, volunteer
from services.gateway.service.calendar import shift_month
from services.gateway.service.errors import ActionError, Kind
from services.gateway.service.gateway import Services
from services.gateway.service.session import Session
from tests.unit.gateway.stand_ins import Nothing

NOW = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 December in Beijing


class Entries:
    def __init__(self):
        self.asked = []

    def entries(self, who, after, before, page_token=""):
        self.asked.append((after, before))
        return lpb.ListEntriesResponse()


def session_of(*grants: Grant, locale: str = "zh") -> Session:
    caller = Caller(member_id="m1", name="王秀兰", community_id="c1", grants=grants)
    return Session("token", caller, Credentials("token", locale), text(locale))


def services(points=None, market=None, members=None) -> Services:
    return Services(members or Nothing(), points or Nothing(), market or Nothing(), clock=lambda: NOW)


def test_the_statement_of_this_month_is_the_local_calendar_month():
    points = Entries()
    shown = volunteer.statement(services(points=points), session_of(Grant(VOLUNTEER)))
    assert (shown.month, shown.previous_month, shown.next_month) == ("2026-12", "2026-11", "2027-01")
    after, before = points.asked[0]
    assert after.astimezone(UTC) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert before.astimezone(UTC) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("month", ["2026-13", "26-01", "2026-1", "x", "1999-12", "2026-12-01"])
def test_a_month_typed_wrong_is_a_plain_sentence_about_the_month(month):
    with pytest.raises(ActionError) as refused:
        volunteer.statement(services(), session_of(Grant(VOLUNTEER)), month)
    assert refused.value.kind is Kind.INVALID and "2026-03" in refused.value.message


def test_months_turn_over_the_year():
    assert shift_month("2026-12", 1) == "2027-01" and shift_month("2027-01", -1) == "2026-12"


def test_a_volunteer_never_reaches_the_counter_or_the_grid_and_no_service_is_asked():
    me = session_of(Grant(VOLUNTEER))
    for action in (
        lambda: staff.find(services(), me, code="12345678"),
        lambda: staff.confirm(services(), me, code="12345678"),
        lambda: staff.pickups(services(), me),
        lambda: grid.volunteers(services(), me),
        lambda: grid.redeem_for(services(), me, "m2", "i1", 1, "r1"),
    ):
        with pytest.raises(ActionError) as refused:
            action()
        assert refused.value.kind is Kind.FORBIDDEN
        assert refused.value.message == "您没有权限打开这个页面"


def test_staff_asked_for_nothing_are_told_what_to_type():
    with pytest.raises(ActionError) as refused:
        staff.find(services(), session_of(Grant(STAFF, shop_id="s1")), code="  ")
    assert (refused.value.field, refused.value.message) == ("pickup_code", "请输入 8 位核销码")


def test_a_redemption_asks_for_a_sensible_quantity_before_spending_anything():
    me = session_of(Grant(GRID_WORKER, grid_id="g1"), locale="en")
    for quantity in (0, 100):
        with pytest.raises(ActionError) as refused:
            volunteer.redeem(services(), me, "i1", quantity, "r1")
        assert (
            refused.value.field == "quantity" and refused.value.message == "Choose a quantity from 1 to 99."
        )


def test_a_refusal_from_a_service_reads_as_its_sentence_without_the_field_name():
    class Refused(grpc.RpcError):
        def code(self):
            return grpc.StatusCode.FAILED_PRECONDITION

        def details(self):
            return "库存不足，仅剩 2 件"

        def trailing_metadata(self):
            return ()

    def method(request, metadata, timeout):
        raise Refused()

    with pytest.raises(ActionError) as refused:
        call(method, None, Credentials(), 1.0)
    assert (refused.value.kind, refused.value.message) == (Kind.CONFLICT, "库存不足，仅剩 2 件")


def test_a_service_that_does_not_answer_is_a_friendly_sentence_in_the_persons_language():
    class Silent(grpc.RpcError):
        def code(self):
            return grpc.StatusCode.UNAVAILABLE

        def details(self):
            return "failed to connect to all addresses; last error: ..."

    def method(request, metadata, timeout):
        raise Silent()

    with pytest.raises(ActionError) as refused:
        call(method, None, Credentials(locale="en"), 1.0)
    assert refused.value.kind is Kind.UNAVAILABLE
    assert refused.value.message == "The service is unavailable right now; please try again later."


@pytest.mark.parametrize(
    "target,kept",
    [
        ("/orders?x=1", "/orders?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("orders", "/"),
    ],
)
def test_after_login_a_person_only_ever_lands_on_this_site(target, kept):
    assert local_path(target) == kept


def test_every_chinese_text_has_its_english_translation():
    from babel.messages.extract import extract_from_dir

    from services import gateway
    from services.gateway.entrypoints.i18n import translations

    english = translations("en")
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            Path(gateway.__file__).parent,
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords={"_": None, "gettext": None},
        )
    }
    assert found, "no texts were found"
    untranslated = sorted(m for m in found if english.gettext(m) == m)
    assert not untranslated, untranslated


class CheckInPoints:
    """The points calls of the check-in screen and of checking in, remembered."""

    def __init__(self):
        self.checked = []

    def activity(self, who, activity_id):
        return apb.Activity(activity_id=activity_id, title="楼道清洁日")

    def check_in_code(self, who, activity_id):
        token = f"jifen:checkin:{activity_id}:7:c2lnbmVk"
        return apb.GetCheckInCodeResponse(code="123456", qr_payload=token)

    def check_in(self, who, request_id, activity_id, code, qr_token=""):
        self.checked.append((code, qr_token))
        return apb.Participant(activity_id=activity_id, member_id="m1")


def test_the_check_in_qr_links_with_the_signed_token_not_the_guessable_digits():
    screen = organiser.check_in_screen(
        services(points=CheckInPoints()), session_of(), "a1", "https://jifen.example/"
    )
    link = urlsplit(screen.check_in_url)
    assert link.path == "/activities/a1/check-in"
    assert parse_qs(link.query) == {"token": ["jifen:checkin:a1:7:c2lnbmVk"]}
    assert screen.code == "123456" and "123456" not in screen.check_in_url


def test_typed_digits_win_over_a_scanned_token_and_one_of_them_is_needed():
    points = CheckInPoints()
    me = session_of(Grant(VOLUNTEER))
    token = "jifen:checkin:a1:7:c2lnbmVk"
    volunteer.check_in(services(points=points), me, "a1", "", qr_token=token)
    volunteer.check_in(services(points=points), me, "a1", " 654 321 ", qr_token=token)
    assert points.checked == [("", token), ("654321", "")]
    with pytest.raises(ActionError) as refused:
        volunteer.check_in(services(points=points), me, "a1", " ", qr_token="")
    assert refused.value.field == "code"
