import pytest

from jifen.errors import PermissionDenied, ResourceExhausted, Unauthenticated
from services.members.service import login as login_case
from services.members.service import members
from services.members.service.commands import DeactivateMember, Login


def login(uow, passwords, limiter, tokens, password="secret-123", phone="13800000011"):
    return login_case.login(Login(phone=phone, password=password), uow, passwords, limiter, tokens)


def test_the_right_password_gives_a_token_for_the_member(uow, passwords, limiter, tokens, volunteer):
    done = login(uow, passwords, limiter, tokens)
    assert done.member.id == volunteer.id and done.token


def test_a_wrong_password_and_an_unknown_phone_get_the_same_answer(
    uow, passwords, limiter, tokens, volunteer
):
    with pytest.raises(Unauthenticated) as wrong:
        login(uow, passwords, limiter, tokens, password="nope-nope")
    with pytest.raises(Unauthenticated) as unknown:
        login(uow, passwords, limiter, tokens, phone="13900000000")
    assert wrong.value.message() == unknown.value.message()


def test_after_too_many_wrong_passwords_even_the_right_one_waits(uow, passwords, limiter, tokens, volunteer):
    for _ in range(limiter.max_failures):
        with pytest.raises(Unauthenticated):
            login(uow, passwords, limiter, tokens, password="nope-nope")
    with pytest.raises(ResourceExhausted):
        login(uow, passwords, limiter, tokens)


def test_a_deactivated_member_cannot_log_in(uow, passwords, limiter, tokens, volunteer, place):
    members.deactivate_member(
        DeactivateMember("d1", place.admin_of(place.home), volunteer.id, "搬离社区"), uow
    )
    with pytest.raises(PermissionDenied):
        login(uow, passwords, limiter, tokens)


def test_a_deactivated_member_hears_the_whole_sentence_at_login_and_with_an_old_token(
    uow, passwords, limiter, tokens, volunteer, place
):
    members.deactivate_member(
        DeactivateMember("d1", place.admin_of(place.home), volunteer.id, "搬离社区"), uow
    )
    with pytest.raises(PermissionDenied) as at_login:
        login(uow, passwords, limiter, tokens)
    with pytest.raises(PermissionDenied) as with_old_token:
        login_case.current_identity(volunteer.caller(), uow)
    assert at_login.value.message() == with_old_token.value.message() == "账号已停用，请联系社区管理员"
