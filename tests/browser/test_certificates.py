"""A volunteer downloads a certificate of service (志愿服务证明) on their phone and verifies it; a stranger
checks the serial on the public page without signing in."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from tests.browser.conftest import DESKTOP

WANG = "13800000011"  # 王秀兰, with certified hours at 张苏滩社区's past activities


def test_a_volunteer_downloads_a_certificate_and_verifies_it(site, visitor, tmp_path: Path):
    volunteer = visitor("certificate")
    volunteer.log_in(WANG)
    page = volunteer.go("/profile", "profile")
    volunteer.follow(page.get_by_role("link", name="志愿服务证明"), "certificate-form")
    # This year so far unless told otherwise.
    assert page.input_value("#from_date").endswith("-01-01")
    volunteer.follow(page.get_by_role("button", name="开具证明"), "certificate")
    assert "证明已出具" in page.inner_text("main")
    serial = page.get_by_test_id("certificate-serial").inner_text().strip()
    hours = page.get_by_test_id("certificate-hours").inner_text().split()[0]
    assert float(hours) > 0

    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages).replace("\n", "")
    assert "志愿服务证明" in text and "王秀兰" in text and serial in text and f"共计 {hours} 小时" in text

    volunteer.follow(page.get_by_role("link", name="查验这份证明"), "verified")
    verdict = page.get_by_test_id("verdict").inner_text()
    assert "证明真实有效" in verdict and "王*兰" in verdict and hours in verdict

    # Anyone with the paper: no sign-in, the serial typed in by hand.
    stranger = visitor("stranger", DESKTOP)
    page = stranger.go("/verify", "verify-form")
    page.fill("#serial", serial.lower())
    stranger.follow(page.get_by_role("button", name="查验"), "verify-genuine")
    assert "证明真实有效" in page.get_by_test_id("verdict").inner_text()
    assert "王秀兰" not in page.inner_text("main")
    page.fill("#serial", "ZM2026-AAAA-BBBB-CCCC")
    stranger.follow(page.get_by_role("button", name="查验"), "verify-made-up")
    assert "查无此证明" in page.get_by_test_id("verdict").inner_text()
