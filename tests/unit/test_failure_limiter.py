"""The shared Redis failure limiter: a refund gives back one attempt, where a reset wipes them all."""

from __future__ import annotations

import fakeredis

from jifen.rate_limit import FailureLimiter


def limiter(max_failures: int = 3) -> FailureLimiter:
    return FailureLimiter(fakeredis.FakeRedis(server=fakeredis.FakeServer()), "t", max_failures, 600)


def test_a_refund_takes_back_one_attempt_and_keeps_the_earlier_failures():
    limits = limiter()
    assert limits.attempt("m") and limits.attempt("m")
    assert limits.attempt("m")
    limits.refund("m")
    # Two failures stand: one more attempt, not three.
    assert limits.attempt("m")
    assert not limits.attempt("m")


def test_a_refund_keeps_the_window_and_never_leaves_a_key_without_one():
    limits = limiter()
    limits.attempt("m")
    key = limits._key("m")
    limits.refund("m")
    assert 0 < limits.client.ttl(key) <= 600
    # After the window (here: the key gone), a refund leaves nothing behind.
    limits.client.delete(key)
    limits.refund("m")
    assert not limits.client.exists(key)
