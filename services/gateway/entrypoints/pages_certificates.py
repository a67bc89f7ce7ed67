"""Certificates of service: a volunteer's downloads, an admin's for a member, and the public check.

The public pages (/verify) need no sign-in: the QR printed on a certificate opens them.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from jifen.ids import new_id

from ..adapters import certificate_pdf
from ..service import certificates
from ..service.errors import ActionError
from ..service.session import Session
from .context import anonymous_credentials, checked_form, gateway, session
from .render import form_error, redirect, render

router = APIRouter(include_in_schema=False)
# Mounted under /admin by pages_admin, behind its admin check.
admin_router = APIRouter()


def services(request: Request):
    return gateway(request).services


def verify_link(request: Request, serial: str) -> str:
    return str(request.base_url).rstrip("/") + f"/verify/{quote(serial)}"


@router.get("/certificates")
def certificates_page(request: Request, me: Session = Depends(session)):
    form = certificates.this_year(services(request)).model_dump()
    return render(request, "certificates.html", me, form=form, request_id=new_id())


@router.post("/certificates")
def issue(request: Request, form: dict = Depends(checked_form), me: Session = Depends(session)):
    try:
        issued = certificates.issue(services(request), me, form)
    except ActionError as error:
        return form_error(request, "certificates.html", me, error, form=form, request_id=new_id())
    return redirect(f"/certificates/{quote(issued.serial)}", me.gettext("证明已出具"))


@router.get("/certificates/{serial}")
def certificate_page(request: Request, serial: str, me: Session = Depends(session)):
    found = certificates.certificate(services(request), me, serial)
    return render(
        request, "certificate.html", me, certificate=found, verify_link=verify_link(request, serial)
    )


@router.get("/certificates/{serial}/pdf")
def certificate_pdf_download(request: Request, serial: str, me: Session = Depends(session)):
    found = certificates.certificate(services(request), me, serial)
    data = certificate_pdf.render(found, verify_link(request, found.serial))
    filename = f"志愿服务证明-{found.serial}.pdf"
    disposition = (
        f"attachment; filename=\"certificate-{found.serial}.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.get("/verify")
def verify_form(request: Request, serial: str = ""):
    """Typed in from paper: the serial goes to its own page."""
    serial = serial.strip()
    if serial:
        return RedirectResponse(f"/verify/{quote(serial)}", status_code=303)
    return render(request, "verify.html", found=None, form={})


@router.get("/verify/{serial}")
def verify(request: Request, serial: str):
    found = certificates.verify(services(request), anonymous_credentials(request), serial)
    return render(request, "verify.html", status=200 if found.genuine else 404, found=found, form={})


@admin_router.post("/people/{member_id}/certificate")
def issue_for_member(
    request: Request, member_id: str, form: dict = Depends(checked_form), me: Session = Depends(session)
):
    issued = certificates.issue(services(request), me, form, member_id=member_id)
    return redirect(f"/certificates/{quote(issued.serial)}", me.gettext("证明已出具"))
