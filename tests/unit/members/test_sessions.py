"""Sessions: a short-lived access token, renewed with a refresh token that works once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jifen.caller import ADMIN, STAFF, VOLUNTEER, Grant
from jifen.errors import InvalidArgument, PermissionDenied, Unauthenticated
from services.members.domain.sessions import hash_refresh_token
from services.members.service import login as login_case
from services.members.service import members, sessions
from services.members.service.commands import (
    ChangePassword,
    DeactivateMember,
    Login,
    Logout,
    ReactivateMember,
    RefreshSession,
    SetRoles,
)

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
THIRTY_DAYS = timedelta(days=30)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def log_in(uow, passwords, limiter, tokens, clock):
    cmd = Login(phone="13800000011", password="secret-123")
    return login_case.login(cmd, uow, passwords, limiter, tokens, refresh_ttl=THIRTY_DAYS, clock=clock)


def refresh(uow, tokens, clock, refresh_token):
    return sessions.refresh(RefreshSession(refresh_token), uow, tokens, THIRTY_DAYS, clock)


def test_login_gives_an_access_token_and_a_refresh_token_kept_only_as_a_hash(
    uow, passwords, limiter, tokens, volunteer, clock
):
    done = log_in(uow, passwords, limiter, tokens, clock)

    assert done.token and done.refresh_token and done.refresh_token != done.token
    assert done.refresh_expires_at == START + THIRTY_DAYS
    (stored,) = uow.refresh_tokens.rows.values()
    assert stored.token_hash == hash_refresh_token(done.refresh_token) != done.refresh_token
    assert done.refresh_token not in repr(stored)
    assert (stored.member_id, stored.used_at, stored.revoked_at) == (volunteer.id, None, None)


def test_a_staff_member_appointed_by_set_roles_works_after_a_refresh_without_logging_in_again(
    uow, passwords, limiter, tokens, volunteer, place, clock
):
    first = log_in(uow, passwords, limiter, tokens, clock)
    assert [g.role for g in tokens.issued[first.token].grants] == [VOLUNTEER]
    staff = (Grant(VOLUNTEER), Grant(STAFF, shop_id="shop-1"))
    members.set_roles(SetRoles("s1", place.admin_of(place.home), volunteer.id, staff), uow)

    renewed = refresh(uow, tokens, clock, first.refresh_token)

    assert Grant(STAFF, shop_id="shop-1") in tokens.issued[renewed.token].grants
    assert renewed.member.id == volunteer.id and renewed.refresh_token != first.refresh_token


def test_a_role_taken_away_is_gone_from_the_next_refreshed_token(
    uow, passwords, limiter, tokens, volunteer, place, clock
):
    admin = place.admin_of(place.home)
    members.set_roles(SetRoles("s1", admin, volunteer.id, (Grant(ADMIN, community_id=place.home.id),)), uow)
    first = log_in(uow, passwords, limiter, tokens, clock)
    members.set_roles(SetRoles("s2", admin, volunteer.id, (Grant(VOLUNTEER),)), uow)

    renewed = refresh(uow, tokens, clock, first.refresh_token)

    assert [g.role for g in tokens.issued[renewed.token].grants] == [VOLUNTEER]


def test_a_refresh_token_used_twice_is_refused_and_ends_the_whole_session(
    uow, passwords, limiter, tokens, volunteer, clock
):
    first = log_in(uow, passwords, limiter, tokens, clock)
    second = refresh(uow, tokens, clock, first.refresh_token)

    with pytest.raises(Unauthenticated) as reused:
        refresh(uow, tokens, clock, first.refresh_token)
    assert "已使用过" in reused.value.message()
    # The thief and the member alike: the successor issued before the reuse no longer works either.
    with pytest.raises(Unauthenticated) as ended:
        refresh(uow, tokens, clock, second.refresh_token)
    assert ended.value.message() == "登录已失效，请重新登录"
    # Another login is another session, untouched.
    assert refresh(uow, tokens, clock, log_in(uow, passwords, limiter, tokens, clock).refresh_token)


def test_a_deactivated_member_cannot_refresh_and_hears_what_login_says(
    uow, passwords, limiter, tokens, volunteer, place, clock
):
    first = log_in(uow, passwords, limiter, tokens, clock)
    admin = place.admin_of(place.home)
    members.deactivate_member(DeactivateMember("d1", admin, volunteer.id, "搬离社区"), uow)

    with pytest.raises(PermissionDenied) as refused:
        refresh(uow, tokens, clock, first.refresh_token)
    assert refused.value.message() == "账号已停用，请联系社区管理员"

    # Reactivated, they log in again: deactivation ended the sessions they had.
    members.reactivate_member(ReactivateMember("r1", admin, volunteer.id), uow)
    with pytest.raises(Unauthenticated):
        refresh(uow, tokens, clock, first.refresh_token)
    assert refresh(uow, tokens, clock, log_in(uow, passwords, limiter, tokens, clock).refresh_token)


def test_an_expired_refresh_token_is_refused(uow, passwords, limiter, tokens, volunteer, clock):
    first = log_in(uow, passwords, limiter, tokens, clock)
    clock.now = START + THIRTY_DAYS - timedelta(seconds=1)
    second = refresh(uow, tokens, clock, first.refresh_token)
    # Each refresh token lives thirty days from its own issue: a member who keeps coming back stays in.
    assert second.refresh_expires_at == clock.now + THIRTY_DAYS

    clock.now = second.refresh_expires_at
    with pytest.raises(Unauthenticated) as expired:
        refresh(uow, tokens, clock, second.refresh_token)
    assert expired.value.message() == "登录已过期，请重新登录"


def test_logout_ends_the_session_and_logging_out_again_answers_the_same(
    uow, passwords, limiter, tokens, volunteer, clock
):
    first = log_in(uow, passwords, limiter, tokens, clock)
    second = refresh(uow, tokens, clock, first.refresh_token)

    sessions.logout(Logout(second.refresh_token), uow, clock)
    sessions.logout(Logout(second.refresh_token), uow, clock)
    sessions.logout(Logout("never-issued"), uow, clock)

    with pytest.raises(Unauthenticated):
        refresh(uow, tokens, clock, second.refresh_token)
    assert all(t.revoked_at == START for t in uow.refresh_tokens.rows.values())


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("", InvalidArgument),
        ("   ", InvalidArgument),
        ("x" * 201, InvalidArgument),
        ("never-issued", Unauthenticated),
    ],
)
def test_a_missing_malformed_or_unknown_refresh_token_is_refused_and_changes_nothing(
    uow, passwords, limiter, tokens, volunteer, clock, token, error
):
    first = log_in(uow, passwords, limiter, tokens, clock)
    before = dict(uow.refresh_tokens.rows)

    with pytest.raises(error) as refused:
        refresh(uow, tokens, clock, token)
    if error is InvalidArgument:
        assert refused.value.field == "refresh_token"
        with pytest.raises(InvalidArgument):
            sessions.logout(Logout(token), uow, clock)

    assert uow.refresh_tokens.rows == before
    assert refresh(uow, tokens, clock, first.refresh_token)


def test_a_password_change_ends_every_session_the_member_had(
    uow, passwords, limiter, tokens, volunteer, place, clock
):
    phone = log_in(uow, passwords, limiter, tokens, clock)
    stolen = log_in(uow, passwords, limiter, tokens, clock)
    me = login_case.current_identity(volunteer.caller(), uow)

    cmd = ChangePassword("pw-1", me, volunteer.id, "secret-123", "brand-new-1")
    members.change_password(cmd, uow, passwords, limiter, clock)

    for session in (phone, stolen):
        with pytest.raises(Unauthenticated):
            refresh(uow, tokens, clock, session.refresh_token)
    again = login_case.login(
        Login(phone="13800000011", password="brand-new-1"),
        uow,
        passwords,
        limiter,
        tokens,
        refresh_ttl=THIRTY_DAYS,
        clock=clock,
    )
    assert refresh(uow, tokens, clock, again.refresh_token)


def test_a_password_an_admin_sets_ends_the_members_sessions_too(
    uow, passwords, limiter, tokens, volunteer, place, clock
):
    first = log_in(uow, passwords, limiter, tokens, clock)
    admin = place.admin_of(place.home)

    members.change_password(
        ChangePassword("pw-2", admin, volunteer.id, "", "brand-new-1"), uow, passwords, limiter, clock
    )

    with pytest.raises(Unauthenticated):
        refresh(uow, tokens, clock, first.refresh_token)
