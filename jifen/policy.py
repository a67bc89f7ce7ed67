"""Access policy: each service declares one table, RPC name -> who may call it and which scope check applies.

The gRPC interceptor enforces the roles; the use case applies the named scope check, because
only it knows the target (whose account, which community). A server refuses to start when an
RPC of its descriptors has no rule, so a new RPC can never be open by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.descriptor import ServiceDescriptor

from jifen.caller import Caller

PUBLIC = "public"  # anyone, no token needed
ANY_MEMBER = "any_member"  # any valid member token


@dataclass(frozen=True)
class Rule:
    who: frozenset[str]
    # The scope check the use case applies, named so the table reads as documentation.
    scope: str = ""

    @property
    def public(self) -> bool:
        return PUBLIC in self.who

    def allows(self, caller: Caller) -> bool:
        if PUBLIC in self.who:
            return True
        if caller.is_anonymous:
            return False
        if ANY_MEMBER in self.who and caller.member_id:
            return True
        return bool(self.who & caller.roles)


def rule(*who: str, scope: str = "") -> Rule:
    return Rule(frozenset(who), scope)


def rpc_names(service: ServiceDescriptor) -> list[str]:
    """Full method paths, as gRPC routes them: /package.Service/Method."""
    return [f"/{service.full_name}/{method.name}" for method in service.methods]


def check_complete(policy: dict[str, Rule], services: list[ServiceDescriptor]) -> None:
    missing = [name for s in services for name in rpc_names(s) if name not in policy]
    if missing:
        raise RuntimeError(f"RPCs without an access rule: {', '.join(missing)}")
