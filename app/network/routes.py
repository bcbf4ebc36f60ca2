"""The public directory of the cluster network, members' pages, and coordinators' editing of entries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Country
from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Specialisation
from app.core.permissions import Role, load_or_403, load_or_404, role_required
from app.core.sections import page_sections
from app.core.translated import pick
from app.core.uow import form_page, refusals
from app.extensions import db
from app.network import bp, members, search
from app.network.entries import pending_revision
from app.network.forms import CompanyForm, DirectoryFilterForm
from app.network.identifiers import display_registration
from app.network.models import Company, ContactVisibility, MemberImage, MemberKind
from app.network.policies import can_manage_company, can_propose_entry, can_see_company, can_see_contact
from app.network.regions import region_name
from app.network.vocabulary import (
    MATERIAL_LABELS,
    MEMBER_KIND_LABELS,
    PROCESS_LABELS,
    PRODUCT_KIND_LABELS,
    WORKING_LANGUAGES,
)


def _specialisations() -> list[Specialisation]:
    return list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))


#: Members per page of the directory (cards: a phone scrolls through a page of them).
DIRECTORY_PAGE = 24


def _directory_search(form: DirectoryFilterForm) -> search.DirectorySearch:
    """The form's answers, already checked against their choices."""
    return search.DirectorySearch(
        text=form.q.data or "", country=Country(form.country.data) if form.country.data else None,
        region=form.region.data or None, kind=MemberKind(form.kind.data) if form.kind.data else None,
        process=form.capability.data or None, material=form.material.data or None,
        min_thickness_mm=form.thickness.data, specialisation=form.specialisation.data or None,
        language=form.language.data or None)


@bp.get("/directory/")
def directory():
    """Public: the members of the cluster network (firms and craftspeople), found by words and filters."""
    form = DirectoryFilterForm(request.args)
    form.specialisation.choices = [("", _("All specialisations")),
                                   *[(s.code, pick(s.title)) for s in _specialisations()]]
    # Bad filters are shown on their fields and the list stays unfiltered (never a 500, never a guess).
    criteria = _directory_search(form) if request.args and form.validate() else search.DirectorySearch()
    query = search.directory_query(criteria).options(
        selectinload(Company.capabilities), selectinload(Company.products))
    page = db.paginate(query, per_page=DIRECTORY_PAGE, max_per_page=DIRECTORY_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and k in form._fields}
    # The catalogue's page starts with the filters it shares with the directory (its process is our capability).
    catalogue_filters = {"process" if k == "capability" else k: v for k, v in args.items()
                         if v and k in ("specialisation", "country", "region", "capability", "kind")}
    return render_template("network/directory.html", page=page, form=form, args=args,
                           catalogue_filters=catalogue_filters,
                           searched=bool(criteria != search.DirectorySearch()),
                           can_edit=can_manage_company(current_user), kinds=MEMBER_KIND_LABELS,
                           processes=PROCESS_LABELS, region_name=region_name)


@bp.get("/companies/")
def old_directory():
    """The directory's first address (bookmarks, printed material)."""
    return redirect(url_for("network.directory", **request.args), 301)


@bp.get("/companies/<int:company_id>")
def old_member(company_id: int):
    return redirect(url_for("network.member", company_id=company_id), 301)


@bp.get("/directory/<int:company_id>")
def member(company_id: int):
    from sqlalchemy.orm import selectinload

    from app.network.models import Product

    company = load_or_404(Company, company_id, options=(
        selectinload(Company.capabilities), selectinload(Company.machines), selectinload(Company.certifications),
        selectinload(Company.products).selectinload(Product.photos)))
    if not can_see_company(current_user, company):
        abort(404)

    is_contact = can_propose_entry(current_user, company)
    logo = db.session.scalar(select(MemberImage).where(MemberImage.company_id == company.id,
                                                       MemberImage.is_logo.is_(True)))
    return render_template("network/member.html", company=company, logo=logo,
                           registration=display_registration(company.country, company.registration_number),
                           show_contact=can_see_contact(current_user, company),
                           can_edit=can_manage_company(current_user, company), is_contact=is_contact,
                           pending=pending_revision(company) if is_contact or can_manage_company(current_user)
                           else None,
                           region=region_name(company.region), kinds=MEMBER_KIND_LABELS, processes=PROCESS_LABELS,
                           materials=MATERIAL_LABELS, product_kinds=PRODUCT_KIND_LABELS,
                           working_languages=WORKING_LANGUAGES,
                           sections=page_sections("network.member", current_user, company))


def _company_data(form: CompanyForm) -> members.CompanyData:
    return members.CompanyData(
        name=form.name.data or "", country=Country(form.country.data), city=form.city.data or "",
        address=form.address.data, registration_number=form.registration_number.data or "",
        vat_number=form.vat_number.data, contact_name=form.contact_name.data, contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data, website=form.website.data,
        description=texts_from(form, "description"), intern_capacity=form.intern_capacity.data or 0,
        specialisation_ids=form.specialisations.data or [], is_cluster_member=form.is_cluster_member.data,
        kind=MemberKind(form.kind.data), region=form.region.data or None, district=form.district.data,
        languages=form.languages.data or [], contact_visibility=ContactVisibility(form.contact_visibility.data))


@bp.route("/directory/new", methods=["GET", "POST"])
@bp.route("/directory/<int:company_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_member(company_id: int | None = None):
    company = load_or_403(Company, company_id, can_manage_company) if company_id else None
    form = CompanyForm(obj=company if request.method == "GET" and company else None)
    form.specialisations.choices = [(s.id, pick(s.title)) for s in _specialisations()]
    if request.method == "GET" and company:
        form.country.data = company.country.value
        form.kind.data = company.kind.value
        form.contact_visibility.data = company.contact_visibility.value
        form.region.data = company.region or ""
        form.specialisations.data = [s.id for s in company.specialisations]
        form.registration_number.data = display_registration(company.country, company.registration_number)
        fill_texts(form, "description", company.description)
    if form.validate_on_submit():
        with refusals(form):
            company = members.save_company(current_user, company, _company_data(form))
            flash(_("Company saved."), "success")
            return redirect(url_for("network.member", company_id=company.id), 303)
    return form_page("network/member_form.html", form=form, company=company)
