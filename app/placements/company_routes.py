"""The public company directory, companies and their mentors, internship offers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
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
from app.placements import bp, companies as directory, offers
from app.placements.forms import CompanyForm, DirectoryFilterForm, MentorForm, OfferForm
from app.placements.identifiers import display_registration
from app.placements.models import Company, InternshipOffer, OfferStatus
from app.placements.policies import (
    can_edit_offer,
    can_manage_company,
    can_manage_placements,
    can_publish_offer,
    can_publish_offers,
    can_see_company,
    mentor_company_ids,
)

#: The language a firm's new mentor is invited in unless the coordinator picks another.
INVITATION_LANGUAGE = {Country.PL: "pl", Country.LT: "lt"}


def _specialisations() -> list[Specialisation]:
    return list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))


@bp.get("/companies/")
def companies():
    """Public: who is in the cluster and what they offer; contact details only for people who are logged in."""
    specialisations = _specialisations()
    form = DirectoryFilterForm(request.args)
    form.specialisation.choices = [("", _("All specialisations")), *[(s.code, pick(s.title)) for s in specialisations]]
    query = select(Company).where(Company.is_active.is_(True)).order_by(Company.country, Company.name)
    companies = list(db.session.scalars(query))
    if form.validate():
        words = (form.q.data or "").casefold().split()
        if words:
            companies = [c for c in companies if all(w in " ".join([c.name, c.city, *c.description.values()])
                                                     .casefold() for w in words)]
        if form.country.data:
            companies = [c for c in companies if c.country.value == form.country.data]
        if form.specialisation.data:
            companies = [c for c in companies if any(s.code == form.specialisation.data for s in c.specialisations)]
    return render_template("placements/companies.html", companies=companies, form=form,
                           can_edit=can_manage_company(current_user))


@bp.get("/companies/<int:company_id>")
def company(company_id: int):
    company = load_or_404(Company, company_id)
    if not can_see_company(current_user, company):
        abort(404)
    open_offers = list(db.session.scalars(select(InternshipOffer).where(
        InternshipOffer.company_id == company.id, InternshipOffer.status == OfferStatus.OPEN)
        .order_by(InternshipOffer.starts_on)))
    return render_template("placements/company.html", company=company, offers=open_offers,
                           registration=display_registration(company.country, company.registration_number),
                           can_edit=can_manage_company(current_user, company),
                           can_publish=can_publish_offer(current_user, company),
                           mentor_form=MentorForm(language=INVITATION_LANGUAGE.get(company.country, "en")))


def _company_data(form: CompanyForm) -> directory.CompanyData:
    return directory.CompanyData(
        name=form.name.data or "", country=Country(form.country.data), city=form.city.data or "",
        address=form.address.data, registration_number=form.registration_number.data or "",
        vat_number=form.vat_number.data, contact_name=form.contact_name.data, contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data, website=form.website.data,
        description=texts_from(form, "description"), intern_capacity=form.intern_capacity.data or 0,
        specialisation_ids=form.specialisations.data or [], is_cluster_member=form.is_cluster_member.data)


@bp.route("/companies/new", methods=["GET", "POST"])
@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_company(company_id: int | None = None):
    company = load_or_403(Company, company_id, can_manage_company) if company_id else None
    form = CompanyForm(obj=company if request.method == "GET" and company else None)
    form.specialisations.choices = [(s.id, pick(s.title)) for s in _specialisations()]
    if request.method == "GET" and company:
        form.country.data = company.country.value
        form.specialisations.data = [s.id for s in company.specialisations]
        form.registration_number.data = display_registration(company.country, company.registration_number)
        fill_texts(form, "description", company.description)
    if form.validate_on_submit():
        with refusals(form):
            company = directory.save_company(current_user, company, _company_data(form))
            flash(_("Company saved."), "success")
            return redirect(url_for("placements.company", company_id=company.id), 303)
    return form_page("placements/company_form.html", form=form, company=company)


@bp.post("/companies/<int:company_id>/mentors")
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
    return redirect(url_for("placements.company", company_id=company.id), 303)


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
            return redirect(url_for("placements.company", company_id=offer.company_id), 303)
    return form_page("placements/offer_form.html", form=form, offer=offer)
