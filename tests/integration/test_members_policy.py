"""Every members RPC x every kind of caller: allowed or denied exactly as the policy says.

The expected table is written out here, independently of the code's policy table, so a change
to who may do what has to be made (and reviewed) twice. A new RPC without a row fails the test.
"""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from jifen.caller import Caller
from jifen.members.v1 import members_pb2 as m
from jifen.policy import rpc_names
from jifen.tokens import TokenIssuer
from services.members.entrypoints.policy import DESCRIPTORS
from tests.integration.bad_tokens import PEOPLE, REFUSED, forged_token
from tests.members_client import PASSWORD, bearer, rid

DENIED = REFUSED
CALLERS = (*PEOPLE, "service")
EVERYONE = set(CALLERS)
MEMBERS_AND_SERVICES = EVERYONE - {"anonymous", "expired", "forged"}
HOME_ADMINS = {"admin", "street_admin"}

EXPECTED = {
    "MembersService/RegisterVolunteer": EVERYONE,
    "MembersService/Login": EVERYONE,
    # The refresh token is the credential: no access token needed, an expired one included.
    "MembersService/RefreshToken": EVERYONE,
    "MembersService/Logout": EVERYONE,
    "MembersService/GetMember": {"self", "grid_worker", "service"} | HOME_ADMINS,
    "MembersService/ListMembers": {"grid_worker", "service"} | HOME_ADMINS,
    "MembersService/UpdateMember": {"self"} | HOME_ADMINS,
    "MembersService/ChangePassword": {"self"} | HOME_ADMINS,
    "MembersService/SetRoles": HOME_ADMINS,
    "MembersService/DeactivateMember": HOME_ADMINS,
    "MembersService/ReactivateMember": HOME_ADMINS,
    # HOME's audit trail: its admins and the street's; another community's admin is refused.
    "MembersService/ListRoleChanges": HOME_ADMINS,
    "DirectoryService/CreateStreet": {"street_admin"},
    "DirectoryService/ListStreets": EVERYONE,
    "DirectoryService/CreateCommunity": {"street_admin"},
    "DirectoryService/ListCommunities": EVERYONE,
    "DirectoryService/GetCommunity": EVERYONE,
    "DirectoryService/SetSelfRegistration": HOME_ADMINS,
    "DirectoryService/CreateGrid": HOME_ADMINS,
    "DirectoryService/ListGrids": EVERYONE,
    "DirectoryService/CreateOrganization": HOME_ADMINS,
    "DirectoryService/ListOrganizations": MEMBERS_AND_SERVICES,
    "DirectoryService/AddOrganizationMember": HOME_ADMINS,
}


def test_the_expected_table_covers_every_rpc_of_the_contract():
    contract = {name.split(".v1.")[1] for d in DESCRIPTORS for name in rpc_names(d)}
    assert contract == set(EXPECTED)


@pytest.fixture
def tokens(town, pg_settings, tmp_path):
    """A token for every kind of caller, each acting on `target`, a volunteer of the home grid."""
    client = town.client
    home, grid = town.home.community_id, town.home_grid.grid_id

    def person(name, phone, *roles):
        member = client.register(name, phone, home, grid)
        if roles:
            client.set_roles(town.admin_token, member.member_id, *roles)
        return member, client.login(phone)

    target, self_token = person("王秀兰", "13800000011")
    _, volunteer = person("李建国", "13800000012")
    _, staff = person("刘店员", "13800000013", m.RoleGrant(role=m.ROLE_STAFF, shop_id="shop-1"))
    _, grid_worker = person("赵明", "13800000014", m.RoleGrant(role=m.ROLE_GRID_WORKER, grid_id=grid))
    _, admin = person("孙丽娟", "13800000015", m.RoleGrant(role=m.ROLE_ADMIN, community_id=home))
    _, other_admin = person(
        "钱伟", "13800000016", m.RoleGrant(role=m.ROLE_ADMIN, community_id=town.other.community_id)
    )
    issuer = TokenIssuer.from_file(pg_settings.private_key_path, timedelta(hours=1))
    expired, _ = issuer.issue(Caller(member_id=target.member_id, grants=()), ttl=timedelta(seconds=-60))
    forged = forged_token(tmp_path, Caller(service="market"))
    organization = client.directory.CreateOrganization(
        m.CreateOrganizationRequest(
            request_id=rid(), name="安居供热站", kind=m.ORGANIZATION_KIND_PARTNER_UNIT, community_id=home
        ),
        metadata=bearer(town.admin_token),
    ).organization
    return {
        "target": target,
        "organization": organization,
        "tokens": {
            "anonymous": None,
            "expired": expired,
            "forged": forged,
            "self": self_token,
            "volunteer": volunteer,
            "staff": staff,
            "grid_worker": grid_worker,
            "admin": admin,
            "other_admin": other_admin,
            "street_admin": town.admin_token,
            "service": issuer.issue(Caller(service="market"))[0],
        },
    }


def requests(town, target: m.Member, organization: m.Organization):
    """One request per RPC, aimed at the target volunteer and the home community."""
    home = town.home.community_id
    phones = iter(range(13900000000, 13900001000))

    def fresh_refresh_token() -> str:
        # 李建国's, not the target's: the table deactivates the target, which ends their sessions.
        return town.client.members.Login(m.LoginRequest(phone="13800000012", password=PASSWORD)).refresh_token

    return {
        "MembersService/RegisterVolunteer": lambda: m.RegisterVolunteerRequest(
            request_id=rid(), name="新志愿者", phone=str(next(phones)), password=PASSWORD, community_id=home
        ),
        "MembersService/Login": lambda: m.LoginRequest(phone="13800000011", password=PASSWORD),
        "MembersService/RefreshToken": lambda: m.RefreshTokenRequest(refresh_token=fresh_refresh_token()),
        "MembersService/Logout": lambda: m.LogoutRequest(refresh_token=fresh_refresh_token()),
        "MembersService/GetMember": lambda: m.GetMemberRequest(member_id=target.member_id),
        "MembersService/ListMembers": lambda: m.ListMembersRequest(community_id=home),
        "MembersService/UpdateMember": lambda: m.UpdateMemberRequest(
            request_id=rid(), member_id=target.member_id, name="王秀兰", update_mask=FieldMask(paths=["name"])
        ),
        "MembersService/ChangePassword": lambda: m.ChangePasswordRequest(
            request_id=rid(), member_id=target.member_id, current_password=PASSWORD, new_password=PASSWORD
        ),
        "MembersService/SetRoles": lambda: m.SetRolesRequest(
            request_id=rid(), member_id=target.member_id, roles=[m.RoleGrant(role=m.ROLE_VOLUNTEER)]
        ),
        "MembersService/DeactivateMember": lambda: m.DeactivateMemberRequest(
            request_id=rid(), member_id=target.member_id, reason="测试"
        ),
        "MembersService/ReactivateMember": lambda: m.ReactivateMemberRequest(
            request_id=rid(), member_id=target.member_id
        ),
        "MembersService/ListRoleChanges": lambda: m.ListRoleChangesRequest(community_id=home),
        "DirectoryService/CreateStreet": lambda: m.CreateStreetRequest(
            request_id=rid(), name=f"街道{rid()[:6]}"
        ),
        "DirectoryService/ListStreets": lambda: m.ListStreetsRequest(),
        "DirectoryService/CreateCommunity": lambda: m.CreateCommunityRequest(
            request_id=rid(), street_id=town.street_id, name=f"社区{rid()[:6]}"
        ),
        "DirectoryService/ListCommunities": lambda: m.ListCommunitiesRequest(street_id=town.street_id),
        "DirectoryService/GetCommunity": lambda: m.GetCommunityRequest(community_id=home),
        "DirectoryService/SetSelfRegistration": lambda: m.SetSelfRegistrationRequest(
            request_id=rid(), community_id=home, self_registration=m.SELF_REGISTRATION_OPEN
        ),
        "DirectoryService/CreateGrid": lambda: m.CreateGridRequest(
            request_id=rid(), community_id=home, name=f"网格{rid()[:6]}"
        ),
        "DirectoryService/ListGrids": lambda: m.ListGridsRequest(community_id=home),
        "DirectoryService/CreateOrganization": lambda: m.CreateOrganizationRequest(
            request_id=rid(),
            name=f"单位{rid()[:6]}",
            kind=m.ORGANIZATION_KIND_PARTNER_UNIT,
            community_id=home,
        ),
        "DirectoryService/ListOrganizations": lambda: m.ListOrganizationsRequest(community_id=home),
        "DirectoryService/AddOrganizationMember": lambda: m.AddOrganizationMemberRequest(
            request_id=rid(), organization_id=organization.organization_id, member_id=target.member_id
        ),
    }


def test_every_rpc_allows_and_denies_every_caller_as_the_policy_says(town, tokens):
    build = requests(town, tokens["target"], tokens["organization"])
    wrong = []
    for rpc, allowed in EXPECTED.items():
        service, method = rpc.split("/")
        stub = town.client.members if service == "MembersService" else town.client.directory
        for caller in CALLERS:
            token = tokens["tokens"][caller]
            metadata = bearer(token) if token else None
            try:
                getattr(stub, method)(build[rpc](), metadata=metadata)
                denied = False
            except grpc.RpcError as err:
                denied = err.code() in DENIED
                # Only the policy may deny: an allowed caller's call must not fail for another reason
                # than a state the sequence itself created (deactivating twice, joining twice).
                if not denied:
                    assert err.code() in {
                        grpc.StatusCode.FAILED_PRECONDITION,
                        grpc.StatusCode.ALREADY_EXISTS,
                    }, (rpc, caller, err.code(), err.details())
            if denied == (caller in allowed):
                wrong.append(f"{rpc} as {caller}: {'denied' if denied else 'allowed'}")
        if rpc.endswith("DeactivateMember"):
            # Put the target back so the rest of the table acts on an active member.
            town.client.members.ReactivateMember(
                m.ReactivateMemberRequest(request_id=rid(), member_id=tokens["target"].member_id),
                metadata=bearer(town.admin_token),
            )
    assert wrong == []


def test_an_expired_token_says_so(town, tokens):
    with pytest.raises(grpc.RpcError) as err:
        town.client.members.GetMember(
            m.GetMemberRequest(member_id=tokens["target"].member_id),
            metadata=bearer(tokens["tokens"]["expired"]),
        )
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "过期" in err.value.details()


def test_only_the_member_or_their_admins_switch_proxy_redemption(town, tokens):
    target = tokens["target"]
    allowed = {"self"} | HOME_ADMINS
    wrong = []
    for caller in CALLERS:
        token = tokens["tokens"][caller]
        switch_off = m.UpdateMemberRequest(
            request_id=rid(),
            member_id=target.member_id,
            proxy_redemption_refused=True,
            update_mask=FieldMask(paths=["proxy_redemption_refused"]),
        )
        try:
            town.client.members.UpdateMember(switch_off, metadata=bearer(token) if token else None)
            denied = False
        except grpc.RpcError as err:
            assert err.code() in DENIED, (caller, err.code(), err.details())
            denied = True
        if denied == (caller in allowed):
            wrong.append(f"{caller}: {'denied' if denied else 'allowed'}")
    assert wrong == []
    seen = town.client.members.GetMember(
        m.GetMemberRequest(member_id=target.member_id), metadata=bearer(town.admin_token)
    ).member
    assert seen.proxy_redemption_refused
