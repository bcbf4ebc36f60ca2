"""Firms' mentors and internship offers (the directory itself is app.network's)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import mails
from app.accounts.models import Country
from app.accounts.services import find_user_by_email
from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Specialisation
from app.core.forms import flash_form_errors
from app.core.permissions import Role, deny, load_or_403, load_or_404, role_required
from app.core.translated import pick
from app.core.uow import form_page, refusals
from app.extensions import db
from app.network.models import Company
from app.placements import bp, mentors as directory, offers
from app.placements.forms import MentorForm, OfferForm
from app.placements.models import InternshipOffer, OfferStatus
from app.placements.policies import (
    can_edit_offer,
    can_manage_company,
    can_manage_placements,
    can_publish_offer,
    can_publish_offers,
    mentor_company_ids,
)

#: The language a firm's new mentor is invited in unless the coordinator picks another.
INVITATION_LANGUAGE = {Country.PL: "pl", Country.LT: "lt"}


def _specialisations() -> list[Specialisation]:
    return list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))


def member_section(user, company: Company) -> dict | None:
    """On a member's directory page: its open internship offers, and its mentors for coordinators."""
    open_offers = list(db.session.scalars(select(InternshipOffer).where(
        InternshipOffer.company_id == company.id, InternshipOffer.status == OfferStatus.OPEN)
        .order_by(InternshipOffer.starts_on)))
    return {"offers": open_offers, "can_publish": can_publish_offer(user, company),
            "can_manage": can_manage_company(user, company),
            "mentor_form": MentorForm(language=INVITATION_LANGUAGE.get(company.country, "en"))}


@bp.post("/directory/<int:company_id>/mentors")
@role_required(Role.COORDINATOR)
def add_mentor(company_id: int):
    company = load_or_403(Company, company_id, can_manage_company)
    form = MentorForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif (user := find_user_by_email(form.email.data)) is None:
        with refusals():
            invitation = directory.invite_mentor(current_user, company, form.email.data, form.full_name.data or "",
                                                 form.language.data)
            mails.send_invitation(invitation)
            flash(_("Invitation sent to %(email)s: %(name)s will be a mentor of %(company)s.",
                    email=invitation.user.email, name=invitation.user.full_name, company=company.name), "success")
    else:
        with refusals():
            directory.add_mentor(current_user, company, user)
            flash(_("%(name)s is now a mentor of %(company)s.", name=user.full_name, company=company.name), "success")
    return redirect(url_for("network.member", company_id=company.id), 303)


def _offer_company_choices() -> list[tuple[int, str]]:
    query = select(Company).where(Company.is_active.is_(True)).order_by(Company.name)
    if not can_manage_placements(current_user):
        query = query.where(Company.id.in_(mentor_company_ids(current_user)))
    return [(c.id, f"{c.name} ({c.country.value})") for c in db.session.scalars(query)]


@bp.route("/offers/new", methods=["GET", "POST"])
@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_offer(offer_id: int | None = None):
    offer = load_or_403(InternshipOffer, offer_id, can_edit_offer) if offer_id else None
    if not can_publish_offers(current_user):
        deny()
    form = OfferForm(obj=offer if request.method == "GET" and offer else None)
    form.company_id.choices = _offer_company_choices()
    form.specialisation_id.choices = [(s.id, pick(s.title)) for s in _specialisations()]
    if request.method == "GET":
        if offer:
            fill_texts(form, "title", offer.title)
            fill_texts(form, "description", offer.description)
        elif request.args.get("company", "").isdigit():
            form.company_id.data = int(request.args["company"])
    if form.validate_on_submit():
        with refusals(form):
            offer = offers.save_offer(
                current_user, offer, load_or_404(Company, form.company_id.data),
                load_or_404(Specialisation, form.specialisation_id.data), texts_from(form, "title"),
                texts_from(form, "description"), form.starts_on.data, form.ends_on.data, form.places.data,
                form.working_language.data, form.location.data, form.planned_hours.data)
            flash(_("Offer saved."), "success")
            return redirect(url_for("network.member", company_id=offer.company_id), 303)
    return form_page("placements/offer_form.html", form=form, offer=offer)
