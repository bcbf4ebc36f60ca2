"""The public company directory, companies and their mentors, internship offers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import Country
from app.accounts.routes import apply_domain_error
from app.accounts.services import find_user_by_email
from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Specialisation
from app.core.errors import DomainError
from app.core.permissions import Role, has_role, role_required
from app.core.translated import pick
from app.extensions import db
from app.placements import bp, services
from app.placements.forms import CompanyForm, DirectoryFilterForm, MentorForm, OfferForm
from app.placements.identifiers import display_registration
from app.placements.models import Company, InternshipOffer, OfferStatus


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
                           can_edit=has_role(current_user, Role.COORDINATOR))


@bp.get("/companies/<int:company_id>")
def company(company_id: int):
    company = db.get_or_404(Company, company_id)
    if not company.is_active and not has_role(current_user, Role.COORDINATOR):
        abort(404)
    offers = list(db.session.scalars(select(InternshipOffer).where(
        InternshipOffer.company_id == company.id, InternshipOffer.status == OfferStatus.OPEN)
        .order_by(InternshipOffer.starts_on)))
    return render_template("placements/company.html", company=company, offers=offers,
                           registration=display_registration(company.country, company.registration_number),
                           can_edit=has_role(current_user, Role.COORDINATOR),
                           is_company_mentor=company.id in services.mentor_company_ids(current_user),
                           mentor_form=MentorForm())


def _company_data(form: CompanyForm) -> services.CompanyData:
    return services.CompanyData(
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
    company = db.get_or_404(Company, company_id) if company_id else None
    form = CompanyForm(obj=company if request.method == "GET" and company else None)
    form.specialisations.choices = [(s.id, pick(s.title)) for s in _specialisations()]
    if request.method == "GET" and company:
        form.country.data = company.country.value
        form.specialisations.data = [s.id for s in company.specialisations]
        form.registration_number.data = display_registration(company.country, company.registration_number)
        fill_texts(form, "description", company.description)
    if form.validate_on_submit():
        try:
            company = services.save_company(current_user, company, _company_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Company saved."), "success")
            return redirect(url_for("placements.company", company_id=company.id), 303)
    return render_template("placements/company_form.html", form=form, company=company), \
        200 if request.method == "GET" else 422


@bp.post("/companies/<int:company_id>/mentors")
@role_required(Role.COORDINATOR)
def add_mentor(company_id: int):
    company = db.get_or_404(Company, company_id)
    form = MentorForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            flash(_("No account has this e-mail. Invite the person first."), "error")
        else:
            try:
                services.add_mentor(current_user, company, user)
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "error")
            else:
                db.session.commit()
                flash(_("%(name)s is now a mentor of %(company)s.", name=user.full_name, company=company.name),
                      "success")
    else:
        flash(_("This is not a valid e-mail address."), "error")
    return redirect(url_for("placements.company", company_id=company.id), 303)


def _offer_company_choices() -> list[tuple[int, str]]:
    query = select(Company).where(Company.is_active.is_(True)).order_by(Company.name)
    if not has_role(current_user, Role.COORDINATOR):
        query = query.where(Company.id.in_(services.mentor_company_ids(current_user)))
    return [(c.id, f"{c.name} ({c.country.value})") for c in db.session.scalars(query)]


@bp.route("/offers/new", methods=["GET", "POST"])
@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_offer(offer_id: int | None = None):
    offer = db.get_or_404(InternshipOffer, offer_id) if offer_id else None
    if not (has_role(current_user, Role.COORDINATOR) or services.is_mentor(current_user)):
        abort(403)
    if offer and not (has_role(current_user, Role.COORDINATOR)
                      or offer.company_id in services.mentor_company_ids(current_user)):
        abort(403)
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
        try:
            offer = services.save_offer(
                current_user, offer, db.get_or_404(Company, form.company_id.data),
                db.get_or_404(Specialisation, form.specialisation_id.data), texts_from(form, "title"),
                texts_from(form, "description"), form.starts_on.data, form.ends_on.data, form.places.data,
                form.working_language.data, form.location.data, form.planned_hours.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Offer saved."), "success")
            return redirect(url_for("placements.company", company_id=offer.company_id), 303)
    return render_template("placements/offer_form.html", form=form, offer=offer), \
        200 if request.method == "GET" else 422
