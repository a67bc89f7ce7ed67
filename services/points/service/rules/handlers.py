"""Rule versions: publish one for a community or street, read them, resolve the one in force.

Publishing never changes the past: a version starts now or later, and an accrual always uses
the version in force at its activity's start (in_force with that time), so a version published
today cannot reach an activity held last week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jifen import paging
from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied, bounded
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.people import CommunityCopy
from ...domain.rules import RuleVersion, default_title
from ..lookups import known_community, learn_street
from ..ports import UnitOfWork
from ..scope import refused, require_admin_of
from .commands import ListRuleVersions, PublishRuleVersion, ResolveRuleVersion

MAX_NOTE_LENGTH = 500
MAX_TITLE_LENGTH = 60
# A version may be announced up to a year (and a leap day) ahead, no further.
MAX_LEAD_TIME = timedelta(days=366)
# The built-in default version is in force from the epoch (migration 0002); nothing is before it.
BUILT_IN_FROM = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scope:
    """Where a version applies: exactly one of community and street, or neither (the default)."""

    community_id: str = ""
    street_id: str = ""
    # The community's copy, for a community scope.
    community: CommunityCopy | None = None


def scope_of(community_id: str, street_id: str) -> Scope:
    community_id, street_id = (community_id or "").strip(), (street_id or "").strip()
    if community_id and street_id:
        raise InvalidArgument(
            "street_id",
            "社区和街道只能指定其一",
            "give at most one of community_id and street_id",
        )
    return Scope(community_id, street_id)


def known_scope(uow: UnitOfWork, scope: Scope) -> Scope:
    """The scope with its community looked up; NotFound for a community or street points never heard of."""
    if scope.community_id:
        community = known_community(uow, scope.community_id)
        return Scope(community.id, "", community)
    if (
        scope.street_id
        and not uow.rules.street_known(scope.street_id)
        and not learn_street(uow, scope.street_id)
    ):
        raise NotFound("街道不存在", f"street {scope.street_id!r} not found", "street_id")
    return scope


def require_admin_of_scope(uow: UnitOfWork, actor: Caller, scope: Scope) -> Scope:
    """Community scope: its admins and its street's; street scope: the street's admins; default: nobody."""
    if not scope.community_id and not scope.street_id:
        raise PermissionDenied(
            "默认规则为系统内置，不能通过接口发布；请为街道或社区发布规则版本",
            "the default rules are built in and cannot be published through the API; "
            "publish a street or community version instead",
        )
    scope = known_scope(uow, scope)
    if scope.community is not None:
        require_admin_of(actor, scope.community)
    elif not actor.administers_street(scope.street_id):
        raise refused()
    return scope


def publish_rule_version(cmd: PublishRuleVersion, uow: UnitOfWork, clock: Clock = utcnow) -> RuleVersion:
    scope_of(cmd.community_id, cmd.street_id)
    cmd.rules.validated()
    bounded("note", cmd.note, MAX_NOTE_LENGTH, "说明")
    bounded("title", cmd.title, MAX_TITLE_LENGTH, "标题")
    return _publish(cmd, uow, clock)


def _published(uow: UnitOfWork, ref: dict) -> RuleVersion:
    return uow.rules.get(ref["rule_version_id"])


@idempotent("points.PublishRuleVersion", view=_published)
def _publish(cmd: PublishRuleVersion, uow: UnitOfWork, clock: Clock) -> dict:
    scope = require_admin_of_scope(uow, cmd.actor, scope_of(cmd.community_id, cmd.street_id))
    now = clock()
    # Checked inside, after the replay look-up: a retry of a published request must not fail
    # only because its effective_from has since passed.
    effective_from = _effective_from(cmd.effective_from, now)
    if uow.rules.at_scope_from(scope.community_id, scope.street_id, effective_from) is not None:
        raise AlreadyExists(
            "该范围在此生效时间已有规则版本",
            "a version of this scope already takes effect at this effective_from",
            "effective_from",
        )
    title = bounded("title", cmd.title, MAX_TITLE_LENGTH, "标题")
    version = RuleVersion(
        id=new_id(),
        community_id=scope.community_id,
        street_id=scope.street_id,
        effective_from=effective_from,
        rules=cmd.rules.validated(),
        note=bounded("note", cmd.note, MAX_NOTE_LENGTH, "说明"),
        published_by=cmd.actor.member_id,
        published_at=now,
        # Statements name the version by its title: one is made from the date when none is given.
        title=title or default_title(effective_from),
    )
    uow.rules.add(version)
    return {"rule_version_id": version.id}


def _effective_from(requested: datetime | None, now: datetime) -> datetime:
    if requested is None:
        return now
    if requested < now:
        raise InvalidArgument(
            "effective_from",
            "生效时间不能早于现在：发布不能改变过去的积分",
            "must not be in the past: publishing never changes past accruals",
        )
    if requested > now + MAX_LEAD_TIME:
        raise InvalidArgument("effective_from", "生效时间最多可提前 366 天", "must be at most 366 days ahead")
    return requested


def get_rule_version(version_id: str, uow: UnitOfWork) -> RuleVersion:
    with uow:
        found = uow.rules.get(version_id) if version_id else None
    if found is None:
        raise NotFound("规则版本不存在", f"rule version {version_id!r} not found", "rule_version_id")
    return found


def resolve_rule_version(query: ResolveRuleVersion, uow: UnitOfWork, clock: Clock = utcnow) -> RuleVersion:
    at = query.at or clock()
    if at < BUILT_IN_FROM:
        raise InvalidArgument("at", "时间不能早于 1970 年", "must not be before 1970-01-01T00:00:00Z")
    with uow:
        community = known_community(uow, query.community_id)
        return uow.rules.in_force(community.id, community.street_id, at)


def list_rule_versions(query: ListRuleVersions, uow: UnitOfWork) -> tuple[list[RuleVersion], str]:
    scope = scope_of(query.community_id, query.street_id)
    page = paging.page(query.page_size, query.page_token)
    with uow:
        scope = known_scope(uow, scope)
        found = uow.rules.of_scope(scope.community_id, scope.street_id, page.offset, page.size)
    return found, page.next_token(len(found))
