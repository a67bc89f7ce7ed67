"""The admin console's people actions over /api/v1/admin and the pages, within each admin's scope:
the community admin of 张苏滩社区 changes nothing of 天庆嘉园社区, the street admin reaches both."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

import demo
from jifen.members.v1 import members_pb2 as m
from tests.members_client import rid
from tests.processes import embedded_env, jifen, wait_until
from tests.web.people import signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roll(*rows) -> bytes:
    book = Workbook()
    book.active.append(["姓名", "手机号", "网格"])
    for row in rows:
        book.active.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, community_id: str = "", name: str = "名单.xlsx"):
    return client.post(
        "/api/v1/admin/members/import",
        files={"sheet": (name, data, XLSX)},
        data={"community_id": community_id},
    )


@pytest.fixture(scope="module")
def admins(site):
    home = signed_in(site, "13800000001")
    street = signed_in(site, demo.ADMIN_PHONE)
    communities = {
        c["name"]: c["community_id"] for c in street.get("/api/v1/admin/members").json()["communities"]
    }
    return home, street, communities["张苏滩社区"], communities["天庆嘉园社区"]


def grid_id(client, community_id: str, name: str) -> str:
    grids = client.get(f"/api/v1/admin/members?community_id={community_id}").json()["grids"]
    return next(g["grid_id"] for g in grids if g["name"] == name)


def managed(client, member_id: str, seconds: float = 10) -> dict:
    """A member's page as their admin sees it, once points has heard of them: a member registered a
    moment ago has no points account until members' event arrives (a fraction of a second, longer on
    a busy machine)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(f"/api/v1/admin/members/{member_id}")
        if answer.status_code != 404 or time.monotonic() > deadline:
            return answer.json()
        time.sleep(0.2)


def register(client, community_id: str, name: str, phone: str, grid: str = ""):
    return client.post(
        "/api/v1/admin/members",
        json={
            "community_id": community_id,
            "name": name,
            "phone": phone,
            "grid_id": grid,
            "request_id": rid(),
        },
    )


def test_the_street_admin_registers_sets_roles_and_deactivates_in_either_community(admins, site):
    _, street, _, tianqing = admins
    grid = grid_id(street, tianqing, "第二网格")
    answer = register(street, tianqing, "周天庆", "13700000101", grid)
    assert answer.status_code == 200, answer.text
    made = answer.json()
    password = made["initial_password"]
    assert len(password) >= 8 and made["member"]["grid_name"] == "第二网格"
    member_id = made["member"]["member_id"]
    # The member logs in with the one-time password the admin hands over.
    signed_in(site, "13700000101", password).close()

    roles = {"volunteer": True, "shop_id": "", "grid_id": grid, "admin": False, "request_id": rid()}
    answer = street.put(f"/api/v1/admin/members/{member_id}/roles", json=roles)
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["roles"]) == ["grid_worker", "volunteer"]

    answer = street.post(f"/api/v1/admin/members/{member_id}/deactivate", json={"request_id": rid()})
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "reason"
    answer = street.post(
        f"/api/v1/admin/members/{member_id}/deactivate", json={"reason": "搬离本社区", "request_id": rid()}
    )
    assert answer.status_code == 200 and answer.json()["active"] is False
    login = street.post("/api/v1/session", json={"phone": "13700000101", "password": password})
    assert login.status_code == 403
    answer = street.post(f"/api/v1/admin/members/{member_id}/reactivate", json={"request_id": rid()})
    assert answer.status_code == 200 and answer.json()["active"] is True


def test_the_community_admin_cannot_register_import_export_or_change_anyone_of_the_other_community(admins):
    home, street, _, tianqing = admins
    other = register(street, tianqing, "吴天庆", "13700000102").json()["member"]["member_id"]

    assert register(home, tianqing, "郑越界", "13700000103").status_code == 403
    assert upload(home, roll(("郑越界", "13700000103", "")), tianqing).status_code == 403
    assert home.get(f"/api/v1/admin/members/export.xlsx?community_id={tianqing}").status_code == 403
    assert home.get(f"/admin/people/export.xlsx?community={tianqing}").status_code == 403
    roles = {"volunteer": True, "shop_id": "", "grid_id": "", "admin": True, "request_id": rid()}
    assert home.put(f"/api/v1/admin/members/{other}/roles", json=roles).status_code in (403, 404)
    stop = {"reason": "越权", "request_id": rid()}
    assert home.post(f"/api/v1/admin/members/{other}/deactivate", json=stop).status_code in (403, 404)
    assert home.get(f"/api/v1/admin/members/{other}").status_code in (403, 404)
    assert home.get(f"/api/v1/admin/organizations?community_id={tianqing}").status_code == 403
    unit = {"community_id": tianqing, "name": "越界单位", "request_id": rid()}
    assert home.post("/api/v1/admin/organizations", json=unit).status_code == 403
    # Nothing changed: the member is active with the one role they were registered with.
    seen = managed(street, other)["person"]
    assert seen["active"] is True and seen["roles"] == ["volunteer"]
    assert "13700000103" not in street.get(f"/api/v1/admin/members/export.xlsx?community_id={tianqing}").text


def test_a_community_admin_makes_an_admin_of_their_community_but_not_a_grid_worker_elsewhere(admins):
    home, _, zhangsutan, _ = admins
    member = register(home, zhangsutan, "冯张苏", "13700000104").json()["member"]["member_id"]
    roles = {"volunteer": True, "shop_id": "", "grid_id": "", "admin": True, "request_id": rid()}
    answer = home.put(f"/api/v1/admin/members/{member}/roles", json=roles)
    assert answer.status_code == 200, answer.text
    assert "admin" in answer.json()["roles"]
    bad_grid = {
        "volunteer": True,
        "shop_id": "",
        "grid_id": "no-such-grid",
        "admin": False,
        "request_id": rid(),
    }
    answer = home.put(f"/api/v1/admin/members/{member}/roles", json=bad_grid)
    assert answer.status_code == 422 and answer.json()["error"]["message"] == "请选择本社区的网格"


def test_volunteers_get_403_from_every_people_action(site, admins):
    _, _, zhangsutan, _ = admins
    volunteer = signed_in(site, "13800000011")
    assert register(volunteer, zhangsutan, "郑志愿", "13700000105").status_code == 403
    assert upload(volunteer, roll(("郑志愿", "13700000105", ""))).status_code == 403
    assert volunteer.get("/api/v1/admin/members/export.xlsx").status_code == 403
    assert volunteer.get("/admin/people/import").status_code == 403


def test_an_import_registers_the_ok_rows_once_and_a_second_import_registers_nobody(admins):
    home, street, zhangsutan, _ = admins
    data = roll(
        ("陈导一", "13700000110", "第一网格"),
        ("陈导二", "1370000011", "第一网格"),
        ("陈导三", "13700000112", "第九网格"),
        ("陈导四", "13700000110", ""),
        (None, None, None),
        ("陈导五", "137 0000 0114", "第三网格"),
    )
    preview = upload(home, data).json()
    assert (preview["ok"], preview["errors"]) == (2, 3)
    # The rows with a problem come first, each with its line in the sheet.
    assert [(r["line"], r["error"]) for r in preview["rows"]] == [
        (3, "手机号格式不正确，应为 11 位手机号"),
        (4, "本社区没有这个网格"),
        (5, "手机号与表格中前面的行重复"),
        (2, ""),
        (7, ""),
    ]
    # The preview belongs to the admin who uploaded it.
    assert street.post(f"/api/v1/admin/members/import/{preview['token']}").status_code == 404
    result = home.post(f"/api/v1/admin/members/import/{preview['token']}").json()
    assert sorted(r["phone"] for r in result["registered"]) == ["13700000110", "13700000114"]
    assert all(len(r["initial_password"]) >= 8 for r in result["registered"])
    # A preview is imported once: a double click finds it gone.
    assert home.post(f"/api/v1/admin/members/import/{preview['token']}").status_code == 404

    again = upload(home, data).json()
    assert (again["ok"], again["already_registered"]) == (0, 2)
    result = home.post(f"/api/v1/admin/members/import/{again['token']}").json()
    assert result["registered"] == []
    found = home.get(f"/api/v1/admin/members?community_id={zhangsutan}&q=陈导").json()["members"]
    assert sorted(m["phone"] for m in found) == ["13700000110", "13700000114"]
    assert {m["grid_name"] for m in found} == {"第一网格", "第三网格"}


def test_a_bad_file_is_a_sentence_and_changes_nothing(admins):
    home, _, zhangsutan, _ = admins
    answer = upload(home, b"name,phone\n", name="名单.csv")
    assert answer.status_code == 422 and "xlsx" in answer.json()["error"]["message"]
    whole = roll(("王一", "13700000120", ""))
    answer = upload(home, whole[: len(whole) // 2])
    assert answer.status_code == 422 and "无法读取" in answer.json()["error"]["message"]
    assert home.get(f"/api/v1/admin/members?community_id={zhangsutan}&q=13700000120").json()["members"] == []


def test_the_export_follows_the_filter_under_a_chinese_file_name(admins):
    home, _, zhangsutan, _ = admins
    first = grid_id(home, zhangsutan, "第一网格")
    register(home, zhangsutan, "褚导出", "13700000130", first)
    answer = home.get(f"/admin/people/export.xlsx?community={zhangsutan}&grid={first}&q=褚导出")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    assert "filename*=UTF-8''%E5%BC%A0%E8%8B%8F%E6%BB%A9" in answer.headers["content-disposition"]
    rows = [[c.value for c in row] for row in load_workbook(BytesIO(answer.content)).active.iter_rows()]
    assert rows == [
        ["姓名", "手机号", "网格", "角色", "状态"],
        ["褚导出", "13700000130", "第一网格", "志愿者", "正常"],
    ]


def test_partner_units_are_created_and_members_added_by_phone(admins):
    home, _, zhangsutan, _ = admins
    register(home, zhangsutan, "卫共建", "13700000140")
    unit = {
        "community_id": zhangsutan,
        "name": "张苏滩卫生服务站",
        "kind": "partner_unit",
        "request_id": rid(),
    }
    made = home.post("/api/v1/admin/organizations", json=unit)
    assert made.status_code == 200, made.text
    unit_id = made.json()["organization_id"]
    join = {"community_id": zhangsutan, "phone": "13700000140", "request_id": rid()}
    answer = home.post(f"/api/v1/admin/organizations/{unit_id}/members", json=join)
    assert answer.status_code == 200 and answer.json()["member_count"] == 1
    unknown = {"community_id": zhangsutan, "phone": "13700000149", "request_id": rid()}
    answer = home.post(f"/api/v1/admin/organizations/{unit_id}/members", json=unknown)
    assert answer.status_code == 404 and answer.json()["error"]["message"] == "本社区没有这个手机号的成员"
    listed = home.get(f"/api/v1/admin/organizations?community_id={zhangsutan}").json()["organizations"]
    assert any(o["name"] == "张苏滩卫生服务站" and o["member_count"] == 1 for o in listed)


@pytest.fixture(scope="module")
def own_site(tmp_path_factory):
    """A system of its own for generated requests: their role changes and deactivations must not undo
    the demo people the other tests of the run rely on."""
    folder = tmp_path_factory.mktemp("people-fuzzed")
    env, ports = embedded_env()
    process = jifen(
        "jifen-up-people-fuzzed", ["up", "--demo", "--data-dir", str(folder / "data")], env, folder
    )
    wait_until(lambda: "demo logins" in process.log(), timeout=90, what="the demo", processes=(process,))
    yield SimpleNamespace(url=f"http://127.0.0.1:{ports['gateway']}")
    assert process.stop() == 0, process.log()[-3000:]


def test_generated_requests_to_the_people_api_with_an_admins_session_never_get_a_5xx(own_site, tmp_path):
    site = own_site
    admin = signed_in(site, "13800000001")
    cookie = "; ".join(f"{name}={value}" for name, value in admin.cookies.items())
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{site.url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Cookie: {cookie}",
            "--header",
            f"X-CSRF-Token: {admin.headers['x-csrf-token']}",
            "--include-path-regex",
            "^/api/v1/admin/(members|organizations)",
            "--max-examples",
            "20",
            "--workers",
            "2",
            "--seed",
            "2026",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # schemathesis keeps a cache folder where it runs
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "/api/v1/admin/members/import" in run.stdout


def test_members_refusal_of_a_role_change_beyond_the_admins_scope_reads_on_the_member_page(admins, site):
    home, _, zhangsutan, tianqing = admins
    made = register(home, zhangsutan, "韩两社", "13700000150").json()["member"]["member_id"]
    # The street admin also makes them admin of 天庆嘉园社区: beyond what 张苏滩's admin may touch.
    street_token = site.members.login(demo.ADMIN_PHONE, demo.PASSWORD)
    site.members.set_roles(
        street_token,
        made,
        m.RoleGrant(role=m.ROLE_VOLUNTEER),
        m.RoleGrant(role=m.ROLE_ADMIN, community_id=tianqing),
    )
    page = home.get(f"/admin/people/{made}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    answer = home.post(
        f"/admin/people/{made}/roles",
        data={"csrf_token": token, "request_id": request_id, "volunteer": "1", "grid_worker": "1"},
    )
    assert answer.status_code == 422 and "请选择网格员服务的网格" in answer.text
    answer = home.post(
        f"/admin/people/{made}/roles", data={"csrf_token": token, "request_id": request_id, "volunteer": "1"}
    )
    assert answer.status_code == 403
    assert "您没有执行此操作的权限" in answer.text and "韩两社" in answer.text
    seen = home.get(f"/api/v1/admin/members/{made}").json()["person"]
    assert seen["roles"] == ["admin", "volunteer"]
