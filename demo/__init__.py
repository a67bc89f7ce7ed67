"""`jifen up --demo`: seeds a realistic street through the public gRPC contracts, as an admin would.

Seeding talks to the running apis (not their databases), so it exercises the same paths a
person does and stays correct as each service grows. It runs once per data folder.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from demo.market import DEMO_ORDER, SHOP, seed_market
from demo.points import seed_needs, seed_points
from jifen.members.v1 import members_pb2 as m
from jifen.members.v1 import members_pb2_grpc as m_grpc
from jifen.settings import Settings

PASSWORD = "jifen2026"
STREET = "雁南街道"
ADMIN_PHONE = "13800000000"
COMMUNITIES = {
    "张苏滩社区": "雁南街道张苏滩路 18 号",
    "天庆嘉园社区": "雁南街道天庆路 6 号",
}
GRIDS = ("第一网格", "第二网格", "第三网格")
ORGANIZATIONS = (
    ("安居供热站", m.ORGANIZATION_KIND_PARTNER_UNIT),
    ("兰房物业", m.ORGANIZATION_KIND_PROPERTY_COMPANY),
    ("爱心驿站公益协会", m.ORGANIZATION_KIND_SOCIAL_ORGANIZATION),
)
VOLUNTEERS = (
    ("王秀兰", "13800000011", 0),
    ("李建国", "13800000012", 1),
    ("张桂英", "13800000013", 2),
    ("刘志强", "13800000014", 0),
    ("陈淑珍", "13800000015", 1),
)
# A volunteer who also minds the points supermarket's counter (店员): she confirms pickups there.
STAFF_PHONE = "13800000015"
# The needs list: 张桂英 did a need that is closed; 刘志强 claims needs for the partner unit 安居供热站.
NEEDS_VOLUNTEER_PHONE = "13800000013"
NEEDS_UNIT_PHONE = "13800000014"
NEEDS_UNIT = "安居供热站"
NEEDS_RESOURCES = {
    "安居供热站": "冬季暖气免费检修",
    "兰房物业": "楼道公共设施维修",
    "爱心驿站公益协会": "助老陪护志愿服务",
}
# The volunteer whose order awaits pickup (she has 236 points after the points demo).
BUYER_PHONE = "13800000011"


@dataclass(frozen=True)
class Login:
    who: str
    phone: str
    password: str = PASSWORD


def seed(settings: Settings, create_admin) -> list[Login]:
    """Seeds the demo street unless it exists; returns the logins to print either way."""
    logins = [
        Login("街道管理员 " + STREET, ADMIN_PHONE),
        Login("社区管理员 张苏滩社区", "13800000001"),
        Login("网格员 张苏滩社区第一网格", "13800000002"),
    ]
    logins += [Login(f"志愿者 {name}", phone) for name, phone, _ in VOLUNTEERS]
    staff_name = next(name for name, phone, _ in VOLUNTEERS if phone == STAFF_PHONE)
    logins.append(Login(f"店员 {SHOP}（{staff_name}）", STAFF_PHONE))
    channel = grpc.insecure_channel(settings.target("members"))
    members = m_grpc.MembersServiceStub(channel)
    try:
        members.Login(m.LoginRequest(phone=ADMIN_PHONE, password=PASSWORD))
        return logins  # seeded before
    except grpc.RpcError as exc:
        if exc.code() != grpc.StatusCode.UNAUTHENTICATED:
            raise
    create_admin(settings, name="周海燕", phone=ADMIN_PHONE, street=STREET, password=PASSWORD)
    token = members.Login(m.LoginRequest(phone=ADMIN_PHONE, password=PASSWORD)).access_token
    auth = [("authorization", f"Bearer {token}")]
    directory = m_grpc.DirectoryServiceStub(channel)
    street_id = next(
        s.street_id for s in directory.ListStreets(m.ListStreetsRequest()).streets if s.name == STREET
    )

    def key(*parts: str) -> str:
        return "demo:" + ":".join(parts)

    communities = {}
    for name, address in COMMUNITIES.items():
        community = directory.CreateCommunity(
            m.CreateCommunityRequest(
                request_id=key("community", name), street_id=street_id, name=name, address=address
            ),
            metadata=auth,
        ).community
        grids = [
            directory.CreateGrid(
                m.CreateGridRequest(
                    request_id=key("grid", name, g), community_id=community.community_id, name=g
                ),
                metadata=auth,
            ).grid
            for g in GRIDS
        ]
        communities[name] = (community, grids)
    home, grids = communities["张苏滩社区"]
    organizations = {
        org_name: directory.CreateOrganization(
            m.CreateOrganizationRequest(
                request_id=key("org", org_name), name=org_name, kind=kind, community_id=home.community_id
            ),
            metadata=auth,
        ).organization.organization_id
        for org_name, kind in ORGANIZATIONS
    }

    def register(name: str, phone: str, grid: int) -> m.Member:
        return members.RegisterVolunteer(
            m.RegisterVolunteerRequest(
                request_id=key("member", phone),
                name=name,
                phone=phone,
                password=PASSWORD,
                community_id=home.community_id,
                grid_id=grids[grid].grid_id,
            ),
            # The street's admin registers them (and so is shown the member it made).
            metadata=auth,
        ).member

    def promote(name: str, phone: str, grant: m.RoleGrant) -> None:
        """Registers a resident of the first grid who also takes on a role."""
        member = register(name, phone, 0)
        members.SetRoles(
            m.SetRolesRequest(
                request_id=key("roles", member.member_id),
                member_id=member.member_id,
                roles=[m.RoleGrant(role=m.ROLE_VOLUNTEER), grant],
            ),
            metadata=auth,
        )

    promote("孙丽娟", "13800000001", m.RoleGrant(role=m.ROLE_ADMIN, community_id=home.community_id))
    promote("赵明", "13800000002", m.RoleGrant(role=m.ROLE_GRID_WORKER, grid_id=grids[0].grid_id))
    volunteers = {phone: register(name, phone, grid).member_id for name, phone, grid in VOLUNTEERS}
    volunteer_ids = list(volunteers.values())
    community_admin = members.Login(m.LoginRequest(phone="13800000001", password=PASSWORD)).access_token
    # 刘志强 works at the partner unit 安居供热站: he claims needs for it.
    directory.AddOrganizationMember(
        m.AddOrganizationMemberRequest(
            request_id=key("org-member", NEEDS_UNIT_PHONE),
            organization_id=organizations[NEEDS_UNIT],
            member_id=volunteers[NEEDS_UNIT_PHONE],
        ),
        metadata=auth,
    )
    needs_tokens = {
        phone: members.Login(m.LoginRequest(phone=phone, password=PASSWORD)).access_token
        for phone in (NEEDS_VOLUNTEER_PHONE, NEEDS_UNIT_PHONE)
    }
    channel.close()
    # The community admin records the past hours and the street admin certifies them: whoever records
    # hours never approves them.
    serial = seed_points(settings, community_admin, home.community_id, volunteer_ids, approver_token=token)
    seed_needs(
        settings,
        community_admin,
        home.community_id,
        grids[0].grid_id,
        needs_tokens[NEEDS_VOLUNTEER_PHONE],
        needs_tokens[NEEDS_UNIT_PHONE],
        organizations[NEEDS_UNIT],
        NEEDS_RESOURCES,
    )
    market = seed_market(
        settings,
        community_admin,
        home.community_id,
        volunteers[STAFF_PHONE],
        STAFF_PHONE,
        BUYER_PHONE,
        PASSWORD,
        organizations,
    )
    buyer = next(name for name, phone, _ in VOLUNTEERS if phone == BUYER_PHONE)
    # Shown once: the market keeps only its hash. Staff type it in at the counter (核销).
    code = market.pickup_code or "请在“我的兑换”中出示二维码"
    print(f"{buyer}的兑换单：{DEMO_ORDER} ×1，待领取，核销码 {code}（{SHOP}店员核销）", flush=True)
    print(
        f"共享集市：{market.market_day}，三家共建单位的服务共 {market.market_slots} 个预约时段"
        "（积分超市中可预约）",
        flush=True,
    )
    print(f"{VOLUNTEERS[0][0]}的志愿服务证明：编号 {serial}（公开查验：/verify/{serial}）", flush=True)
    staff_name = next(name for name, phone, _ in VOLUNTEERS if phone == STAFF_PHONE)
    print(
        f"{staff_name}登录时还是志愿者；任命为店员后刷新登录（RefreshToken），无需重新登录，"
        f"即见待核销兑换单 {market.awaiting_at_counter} 张",
        flush=True,
    )
    return logins


def token_lifetimes(settings: Settings) -> str:
    """How long a login lasts, printed under the demo logins."""
    minutes, days = settings.token_ttl_minutes, settings.refresh_token_ttl_days
    return (
        f"登录凭证：access token 有效 {minutes} 分钟，到期前用 refresh token 换新"
        f"（MembersService/RefreshToken；换新后旧的作废，{days} 天未用则过期）。"
        f"新角色刷新后即生效；撤销的角色最迟 {minutes} 分钟后失效。"
    )
