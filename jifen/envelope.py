"""The event envelope every service sends: {event_id, type, occurred_at, producer, payload}.

Payloads are messages of jifen.events.v1, carried as their JSON mapping with proto field names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from google.protobuf import json_format
from google.protobuf.message import Message

from jifen.clock import as_utc
from jifen.ids import new_id


@dataclass(frozen=True)
class Envelope:
    event_id: str
    type: str
    occurred_at: datetime
    producer: str
    payload: dict

    @classmethod
    def wrap(cls, event_type: str, producer: str, message: Message, occurred_at: datetime) -> Envelope:
        payload = json_format.MessageToDict(message, preserving_proto_field_name=True)
        return cls(new_id(), event_type, occurred_at, producer, payload)

    def to_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "occurred_at": as_utc(self.occurred_at).isoformat(),
            "producer": self.producer,
            "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Envelope:
        return cls(
            event_id=str(data["event_id"]),
            type=str(data["type"]),
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            producer=str(data["producer"]),
            payload=dict(data.get("payload") or {}),
        )

    def parse(self, message_type: type[Message]) -> Message:
        return json_format.ParseDict(self.payload, message_type(), ignore_unknown_fields=True)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
