"""The rotating check-in code: six digits that change every window; the code just before still works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.points.domain import check_in_code as codes

SECRET = "a" * 64
NOON = datetime(2025, 3, 4, 4, 0, 30, tzinfo=UTC)


def test_the_code_is_six_digits_and_the_qr_names_the_activity():
    shown = codes.current("act-1", SECRET, NOON)
    assert len(shown.code) == 6 and shown.code.isdigit()
    assert shown.qr_payload.startswith("jifen:checkin:act-1:") and shown.code not in shown.qr_payload
    assert shown.expires_at == datetime(2025, 3, 4, 4, 1, tzinfo=UTC)


def test_the_code_rotates_every_window_and_differs_between_activities():
    first = codes.current("act-1", SECRET, NOON).code
    assert codes.current("act-1", SECRET, NOON + timedelta(seconds=20)).code == first
    later = [codes.current("act-1", SECRET, NOON + timedelta(minutes=m)).code for m in range(1, 6)]
    assert first not in later
    assert codes.current("act-2", "b" * 64, NOON).code != first


def test_the_current_and_the_previous_code_are_accepted():
    shown = codes.current("act-1", SECRET, NOON).code
    assert codes.accepts(SECRET, shown, NOON)
    # Read just before it rotated, typed just after.
    assert codes.accepts(SECRET, shown, NOON + timedelta(seconds=60))


def test_a_code_older_than_the_previous_window_is_refused():
    shown = codes.current("act-1", SECRET, NOON).code
    assert not codes.accepts(SECRET, shown, NOON + timedelta(seconds=120))
    assert not codes.accepts(SECRET, shown, NOON + timedelta(hours=1))


def test_a_future_code_is_refused():
    upcoming = codes.current("act-1", SECRET, NOON + timedelta(seconds=60)).code
    assert not codes.accepts(SECRET, upcoming, NOON)


def test_the_window_length_is_a_parameter():
    shown = codes.current("act-1", SECRET, NOON, window_seconds=300)
    assert shown.expires_at == datetime(2025, 3, 4, 4, 5, tzinfo=UTC)
    assert codes.accepts(SECRET, shown.code, NOON + timedelta(minutes=8), window_seconds=300)
    assert not codes.accepts(SECRET, shown.code, NOON + timedelta(minutes=10), window_seconds=300)


def test_malformed_codes_are_never_accepted():
    for bad in ("", "12345", "1234567", "12a456", "１２３４５６"):
        assert not codes.accepts(SECRET, bad, NOON)


def test_each_activity_gets_its_own_secret():
    assert len(codes.new_secret()) == 64
    assert codes.new_secret() != codes.new_secret()


def test_the_qr_token_works_for_its_activity_in_the_current_and_the_previous_window():
    token = codes.current("act-1", SECRET, NOON).qr_payload
    assert codes.accepts_token("act-1", SECRET, token, NOON)
    assert codes.accepts_token("act-1", SECRET, token, NOON + timedelta(seconds=60))
    assert not codes.accepts_token("act-1", SECRET, token, NOON + timedelta(seconds=120))
    # Shown for one activity, scanned for another (even one with the same secret).
    assert not codes.accepts_token("act-2", SECRET, token, NOON)


def test_a_token_cannot_be_made_without_the_secret():
    token = codes.current("act-1", SECRET, NOON).qr_payload
    prefix, _, signature = token.rpartition(":")
    tampered = f"{prefix}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert not codes.accepts_token("act-1", SECRET, tampered, NOON)
    assert not codes.accepts_token("act-1", "b" * 64, token, NOON)
    # A window moved forward keeps the old signature, which no longer matches.
    window = codes.window_index(NOON)
    moved = token.replace(f":{window}:", f":{window + 1}:")
    assert not codes.accepts_token("act-1", SECRET, moved, NOON + timedelta(seconds=60))
    # The digits alone, in the QR's old form, are not a token.
    shown = codes.current("act-1", SECRET, NOON).code
    assert not codes.accepts_token("act-1", SECRET, f"jifen:checkin:act-1:{shown}", NOON)
    for junk in ("", "jifen:checkin:", "jifen:checkin:act-1:x:y", "jifen:checkin:act-1:-:" + signature):
        assert not codes.accepts_token("act-1", SECRET, junk, NOON)
