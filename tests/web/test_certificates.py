"""Certificates of service through the web app: a volunteer issues and downloads their own, the PDF reads
back in Chinese with their hours and serial, an admin issues one for a member, anyone verifies a serial,
and another volunteer cannot download someone else's."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader

from tests.web.people import signed_in

LOCAL = ZoneInfo("Asia/Shanghai")
WANG = "13800000011"  # 王秀兰: certified hours at 张苏滩社区's past activities
LI = "13800000012"  # 李建国


def form(client, **fields) -> dict:
    return {"csrf_token": client.headers["x-csrf-token"], **fields}


def issue(client, path: str = "/certificates", **fields) -> str:
    today = datetime.now(LOCAL).date()
    period = {"from_date": f"{today.year}-01-01", "to_date": today.isoformat()}
    fields = {"request_id": uuid.uuid4().hex, **period, **fields}
    answer = client.post(path, data=form(client, **fields))
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/certificates/(ZM\d{4}-[0-9A-Z-]{14})", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.fixture(scope="module")
def wang(site):
    return signed_in(site, WANG)


def test_the_page_offers_this_year_so_far(wang):
    page = wang.get("/certificates")
    assert page.status_code == 200
    today = datetime.now(LOCAL).date()
    assert f'value="{today.year}-01-01"' in page.text and f'value="{today.isoformat()}"' in page.text


def test_a_volunteer_downloads_a_pdf_in_chinese_with_their_hours_and_serial(wang):
    serial = issue(wang)
    page = wang.get(f"/certificates/{serial}")
    assert page.status_code == 200
    hours = re.search(r'data-testid="certificate-hours">([\d.]+) 小时<', page.text).group(1)
    assert float(hours) > 0
    download = wang.get(f"/certificates/{serial}/pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    text = pdf_text(download.content).replace("\n", "")
    assert "志愿服务证明" in text and "王秀兰" in text and "张苏滩社区" in text
    assert serial in text
    assert f"共计 {hours} 小时" in text
    assert "环境卫生整治" in text
    assert f"/verify/{serial}" in text


def test_a_new_certificate_has_a_new_serial(wang):
    assert issue(wang) != issue(wang)


def test_another_volunteer_cannot_download_ones_certificate(site, wang):
    serial = issue(wang)
    li = signed_in(site, LI)
    for path in (f"/certificates/{serial}", f"/certificates/{serial}/pdf"):
        answer = li.get(path)
        assert answer.status_code == 403, path
        assert "王秀兰" not in answer.text
        assert "无权" in answer.text


def test_an_admin_issues_one_for_a_member_from_the_member_page(site, wang):
    admin = signed_in(site, "13800000001")
    people = admin.get("/api/v1/admin/members", params={"q": WANG}).json()["members"]
    wang_id = next(p["member_id"] for p in people if p["name"] == "王秀兰")
    page = admin.get(f"/admin/people/{wang_id}")
    assert page.status_code == 200 and f'action="/admin/people/{wang_id}/certificate"' in page.text
    serial = issue(admin, f"/admin/people/{wang_id}/certificate")
    text = pdf_text(admin.get(f"/certificates/{serial}/pdf").content)
    assert "王秀兰" in text and serial in text
    # The volunteer reads it too.
    assert wang.get(f"/certificates/{serial}/pdf").status_code == 200


def test_anyone_verifies_a_real_serial_and_a_made_up_one_is_rejected(site, wang):
    serial = issue(wang)
    stranger = httpx.Client(base_url=site.url, follow_redirects=False, timeout=30)
    page = stranger.get(f"/verify/{serial}")
    assert page.status_code == 200
    assert "证明真实有效" in page.text and "王*兰" in page.text and "张苏滩社区" in page.text
    assert "王秀兰" not in page.text
    typed = stranger.get("/verify", params={"serial": serial.lower()})
    assert typed.status_code == 303 and typed.headers["location"] == f"/verify/{serial.lower()}"
    assert "证明真实有效" in stranger.get(typed.headers["location"]).text
    made_up = stranger.get("/verify/ZM2026-AAAA-BBBB-CCCC")
    assert made_up.status_code == 404
    assert "查无此证明" in made_up.text and "证明真实有效" not in made_up.text
    assert stranger.get("/verify").status_code == 200
    english = httpx.Client(base_url=site.url, cookies={"jifen_lang": "en"}, timeout=30)
    assert "This certificate is genuine" in english.get(f"/verify/{serial}").text
