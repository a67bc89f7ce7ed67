"""What an aggregate records reaches the outbox once, in order, and only through a commit."""

from dataclasses import dataclass, replace

from jifen.domain_events import Aggregate, RecordsEvents
from tests.unit.runtime_fakes import FakeOutbox


@dataclass(frozen=True)
class Parcel(Aggregate):
    id: str


@dataclass(frozen=True)
class Sent:
    parcel_id: str


class Uow(RecordsEvents):
    to_message = staticmethod(lambda event: ("parcel.sent", event, None))


def test_a_frozen_aggregate_records_and_its_events_are_sent_once_in_order():
    uow, outbox = Uow(), FakeOutbox()
    uow.start_recording()
    first, second = Parcel("a"), Parcel("b")
    first.record(Sent("a"))
    second.record(Sent("b"))
    uow.happenings.record(Sent("batch"))
    uow.seen.extend([first, second, first])
    uow.send_recorded(outbox)
    uow.send_recorded(outbox)
    assert [m.parcel_id for _, m in outbox.events] == ["batch", "a", "b"]


def test_recorded_events_do_not_count_in_equality_or_copies():
    parcel = Parcel("a")
    parcel.record(Sent("a"))
    assert parcel == Parcel("a")
    assert replace(parcel).pull_events() == []
