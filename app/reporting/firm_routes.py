"""The firm view (``/firm/<id>/``): a firm's confirmed managers, and coordinators, see the training of the firm's
own staff. Every page and export checks the firm first (``can_see_staff``) and then that the person belongs to it:
a manager of one firm is refused everything about another firm's people."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import User
from app.core.audit import record_event
from app.core.exports import export_response
from app.core.permissions import deny, load_or_403, load_or_404
from app.core.uow import writes
from app.extensions import db
from app.network.models import Company
from app.network.policies import can_see_staff, manager_company_ids
from app.reporting import firm
from app.reporting.record import trainee_record

firm_bp = Blueprint("firm", __name__, url_prefix="/firm")


def _firm(company_id: int) -> Company:
    return load_or_403(Company, company_id, can_see_staff)


@firm_bp.get("/")
@login_required
def index():
    """The firms whose staff the person sees: straight to the firm when there is one."""
    ids = sorted(manager_company_ids(current_user))
    if len(ids) == 1:
        return redirect(url_for("firm.view", company_id=ids[0]))
    companies = list(db.session.scalars(select(Company).where(Company.id.in_(ids or [-1])).order_by(Company.name)))
    return render_template("reporting/firm_index.html", companies=companies)


@firm_bp.get("/<int:company_id>/")
@login_required
def view(company_id: int):
    company = _firm(company_id)
    return render_template("reporting/firm.html", company=company, staff=firm.staff(company),
                           hosted=firm.hosted_placements(company))


@firm_bp.get("/<int:company_id>/people/<int:user_id>")
@login_required
def person(company_id: int, user_id: int):
    company = _firm(company_id)
    person = load_or_404(User, user_id)
    if not firm.is_staff(company, person):
        deny()  # someone else's employee (or nobody's): not this firm's business
    return render_template("reporting/firm_person.html", company=company, person=person,
                           record=trainee_record(person, None))


@firm_bp.get("/<int:company_id>/export.<any(csv, xlsx):fmt>")
@login_required
@writes  # records who exported the staff's personal data
def export(company_id: int, fmt: str):
    company = _firm(company_id)
    lines = firm.staff(company)
    record_event("reporting.exported", actor=current_user, obj=company, after={"report": "firm-staff",
                                                                                "format": fmt, "people": len(lines)})
    # Staff lists are a firm's people (tens, not thousands): built in the request in both formats.
    return export_response(fmt, f"mcc-firm-{company.id}", firm.staff_columns(), firm.staff_rows(lines),
                           title=_("Staff"))
