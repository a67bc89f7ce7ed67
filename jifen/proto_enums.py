"""Proto enums <-> the lower_snake_case names the domains use ("ENTRY_KIND_HOLD" <-> "hold")."""

from __future__ import annotations

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper


def enum_names(enum: EnumTypeWrapper, prefix: str) -> tuple[dict[str, int], dict[int, str]]:
    """(name -> number, number -> name) for every value but UNSPECIFIED."""
    to_proto = {
        name.removeprefix(prefix).lower(): number
        for name, number in enum.items()
        if not name.endswith("_UNSPECIFIED")
    }
    return to_proto, {number: name for name, number in to_proto.items()}
