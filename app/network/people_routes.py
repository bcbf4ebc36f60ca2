"""People of members: coordinators matching free-text employers to members, the members people choose from as
their employer (a small JSON list for the employer field), and firms' managers (invited by the firm's contact
person or a coordinator, confirmed by a coordinator; shown on the member's page as a section)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import mails
from app.core.forms import flash_form_errors
from app.core.permissions import MAX_ID, Role, load_or_403, load_or_404, role_required
from app.core.uow import refusals
from app.extensions import db
from app.network import bp, managers
from app.network.employers import confirm_employer, dismiss_employer, plain_words, resolve_employer, unmatched_names
from app.network.identifiers import display_registration
from app.network.models import Company, CompanyMember
from app.network.people_forms import (
    ConfirmEmployerForm,
    DismissEmployerForm,
    InviteManagerForm,
    ManagerActionForm,
    OtherEmployerForm,
)
from app.network.policies import can_invite_manager, can_manage_directory

CHOICES_SHOWN = 20


@bp.get("/directory/employers")
@role_required(Role.COORDINATOR)
def employers():
    """Free-text employers nobody matched yet, with the members they probably are."""
    return render_template("network/employers.html", names=unmatched_names(), confirm_form=ConfirmEmployerForm(),
                           other_form=OtherEmployerForm(), dismiss_form=DismissEmployerForm())


def _back():
    return redirect(url_for("network.employers"), 303)


@bp.post("/directory/employers/confirm")
@role_required(Role.COORDINATOR)
def confirm_employer_view():
    form = ConfirmEmployerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back()
    company = load_or_404(Company, form.company_id.data)
    with refusals():
        linked = confirm_employer(current_user, form.key.data, company)
        flash(ngettext("%(num)d person linked to %(company)s.", "%(num)d people linked to %(company)s.", linked,
                       company=company.name), "success")
    return _back()


@bp.post("/directory/employers/other")
@role_required(Role.COORDINATOR)
def other_employer():
    form = OtherEmployerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back()
    company_id = resolve_employer(form.member.data)
    if company_id is None:
        flash(_("No member of the directory has this name or registration number: choose one from the list."),
              "error")
        return _back()
    company = load_or_404(Company, company_id)
    with refusals():
        linked = confirm_employer(current_user, form.key.data, company)
        flash(ngettext("%(num)d person linked to %(company)s.", "%(num)d people linked to %(company)s.", linked,
                       company=company.name), "success")
    return _back()


@bp.post("/directory/employers/dismiss")
@role_required(Role.COORDINATOR)
def dismiss_employer_view():
    form = DismissEmployerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back()
    with refusals():
        dismiss_employer(current_user, form.key.data)
        flash(_("The name stays as written: no member is suggested for it any more."), "success")
    return _back()


@bp.get("/directory/employers.json")
def employer_choices():
    """Members matching ``q`` (a part of the name or of the registration number) for the employer field's list.
    Only what the public directory shows."""
    q = plain_words(request.args.get("q", "")[:100])
    digits = "".join(c for c in q if c.isdigit())
    if len(q) < 2:
        return jsonify(members=[])
    # Members are hundreds, not millions: folded in Python, so "lodz" finds "Łódź" on both databases.
    rows = db.session.execute(select(Company.id, Company.name, Company.country, Company.registration_number)
                              .where(Company.is_active.is_(True), Company.is_published.is_(True))
                              .order_by(Company.name))
    words = q.split()
    found = [r for r in rows if all(w in plain_words(r.name) for w in words)
             or (len(digits) >= 3 and digits in (r.registration_number or ""))]
    return jsonify(members=[{"id": r.id, "name": r.name, "country": r.country.value,
                             "value": _choice_value(r.name, r.country, r.registration_number)}
                            for r in found[:CHOICES_SHOWN]])


def _choice_value(name: str, country, number: str | None) -> str:
    """What the field holds once chosen: the name with the registration number, so it links to exactly this member
    (``resolve_employer`` finds the number)."""
    return f"{name} ({display_registration(country, number)})" if number else name


# -- managers ----------------------------------------------------------------------------------------------------
def _member_page(company: Company):
    return redirect(url_for("network.member", company_id=company.id), 303)


@bp.post("/directory/<int:company_id>/managers")
@login_required
def invite_manager(company_id: int):
    company = load_or_403(Company, company_id, can_invite_manager)
    form = InviteManagerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _member_page(company)
    with refusals():
        link, invitation = managers.invite_manager(current_user, company, form.email.data, form.full_name.data or "",
                                                   form.language.data)
        if invitation is not None:
            mails.send_invitation(invitation)
        if link.is_confirmed_manager:
            flash(_("%(name)s is now a manager of %(company)s.", name=link.user.full_name, company=company.name),
                  "success")
        else:
            flash(_("%(name)s is invited as a manager of %(company)s; a coordinator will confirm them.",
                    name=link.user.full_name, company=company.name), "success")
    return _member_page(company)


def _manager_link(company_id: int, link_id: int, policy) -> CompanyMember:
    """The firm's manager link: the firm first (403 to whoever may not act for it), then the link, which must be
    one of this firm's managers (404 otherwise, whoever asks)."""
    company = load_or_403(Company, company_id, policy)
    link = db.session.get(CompanyMember, link_id) if 0 < link_id <= MAX_ID else None
    if link is None or link.company_id != company.id or not link.is_manager:
        abort(404)
    return link


@bp.post("/directory/<int:company_id>/managers/<int:link_id>/confirm")
@role_required(Role.COORDINATOR)
def confirm_manager(company_id: int, link_id: int):
    link = _manager_link(company_id, link_id, lambda user, company: can_manage_directory(user))
    if ManagerActionForm().validate_on_submit():
        with refusals():
            managers.confirm_manager(current_user, link)
            flash(_("%(name)s can now see the training of %(company)s's staff.", name=link.user.full_name,
                    company=link.company.name), "success")
    return _member_page(link.company)


@bp.post("/directory/<int:company_id>/managers/<int:link_id>/remove")
@login_required
def remove_manager(company_id: int, link_id: int):
    link = _manager_link(company_id, link_id, can_invite_manager)
    company = link.company
    if ManagerActionForm().validate_on_submit():
        with refusals():
            name = link.user.full_name
            managers.remove_manager(current_user, link)
            flash(_("%(name)s is no longer a manager of %(company)s.", name=name, company=company.name), "success")
    return _member_page(company)


def managers_section(user, company: Company) -> dict | None:
    """The "Managers" section of a member's page: for its contact person and coordinators."""
    if not getattr(user, "is_authenticated", False) or not can_invite_manager(user, company):
        return None
    return {"managers": managers.company_managers(company), "invite_form": InviteManagerForm(),
            "action_form": ManagerActionForm(), "can_confirm": can_manage_directory(user)}


def employers_panel(user) -> dict:
    """Coordinators' home panel: how many free-text employers wait for matching (three queries)."""
    names = unmatched_names()
    return {"names": len(names), "people": sum(n.people for n in names)}
