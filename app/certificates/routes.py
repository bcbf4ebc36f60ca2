"""Certificate downloads, the public verification page, and the coordinators' list with revocation."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.certificates import bp, services
from app.certificates.documents import certificate_filename, certificate_pdf as render_pdf
from app.certificates.forms import RevokeForm, VerifyForm
from app.certificates.models import Certificate
from app.certificates.policies import can_download
from app.core.permissions import Role, deny, load_or_403, role_required
from app.core.uow import refusals
from app.extensions import db, limiter


@bp.get("/learning/certificates/<code>.pdf")
@login_required
def certificate_pdf(code: str):
    from flask_login import current_user

    certificate = services.find_certificate(code)
    if certificate is None:
        abort(404)
    if not can_download(current_user, certificate):
        deny()
    bilingual = request.args.get("bilingual") == "1"
    return Response(render_pdf(certificate, bilingual=bilingual), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificate_filename(certificate, bilingual)}"'})


@bp.get("/verify/")
@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str | None = None):
    """Public: is this certificate genuine? Shows only the holder's name, the course and the date."""
    form = VerifyForm(request.args)
    code = code or (form.code.data if request.args.get("code") else None)
    certificate = services.find_certificate(code) if code else None
    return render_template("certificates/verify.html", code=code, certificate=certificate, form=form), \
        404 if code and certificate is None else 200


@bp.get("/learning/certificates")
@role_required(Role.COORDINATOR)
def certificates_list():
    query = select(Certificate).order_by(Certificate.completed_at.desc())
    search = (request.args.get("q") or "").strip()[:100]
    if search:
        query = query.where(Certificate.holder_name.ilike(f"%{search}%") | (Certificate.code == search.upper()))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("certificates/list.html", page=page, search=search, revoke_form=RevokeForm())


@bp.post("/learning/certificates/<int:certificate_id>/revoke")
@role_required(Role.COORDINATOR)
def revoke_certificate(certificate_id: int):
    from flask_login import current_user

    certificate = load_or_403(Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        with refusals():
            services.revoke(certificate, current_user, form.reason.data)
            flash(_("The certificate %(code)s is revoked.", code=certificate.code), "success")
    else:
        flash(_("Please give the reason for revoking the certificate."), "error")
    return redirect(url_for("certificates.certificates_list"), 303)
