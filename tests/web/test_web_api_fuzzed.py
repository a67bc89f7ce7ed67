"""/api/v1 from its own OpenAPI document: a valid document, and no 5xx under generated requests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

import demo
from tests.browser.town import Town
from tests.web.people import eventually, signed_in
from tests.web_site import running_site

pytestmark = pytest.mark.system
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
FUZZED_PHONE = "13900000031"


def test_the_openapi_document_is_valid_and_lists_the_volunteer_actions(site):
    document = httpx.get(site.url + "/openapi.json").json()
    validate(document)
    assert {"/api/v1/me/home", "/api/v1/market/items/{item_id}/redeem", "/api/v1/counter/confirm"} <= set(
        document["paths"]
    )


def test_generated_requests_with_a_volunteers_session_never_get_a_5xx(site, tmp_path):
    town = Town(site)
    community = town.member("13800000011").community_id
    site.members.register("周敏", FUZZED_PHONE, community, password=demo.PASSWORD)
    # Points opens the account when member.registered reaches it, a moment later.
    eventually(lambda: town.award(FUZZED_PHONE, 500))
    _fuzz(site, signed_in(site, FUZZED_PHONE), tmp_path)


def test_generated_requests_with_a_street_admins_session_never_get_a_5xx(tmp_path):
    """Every admin action under generated input, on a system of its own: what the run registers, awards or
    cancels must not change the figures other tests of the shared system count on."""
    folder = tmp_path / "site"
    folder.mkdir()
    with running_site(folder) as own:
        _fuzz(own, signed_in(own, demo.ADMIN_PHONE), tmp_path)


def _fuzz(site, person, folder) -> None:
    cookie = "; ".join(f"{name}={value}" for name, value in person.cookies.items())
    run = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{site.url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Cookie: {cookie}",
            "--header",
            f"X-CSRF-Token: {person.headers['x-csrf-token']}",
            # Logging out would end the session the rest of the run depends on.
            "--exclude-path",
            "/api/v1/session",
            "--max-examples",
            "25",
            "--workers",
            "2",
            "--seed",
            "2026",
            "--report-dir",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=folder,  # schemathesis keeps a cache folder where it runs
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
