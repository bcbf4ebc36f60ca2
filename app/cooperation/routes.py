"""The exchange's pages: requests I can see, a new request, a request's details with offers, threads and actions,
the offer and rating forms, attachments (after the policy check) and the coordinators' figures."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import Country
from app.cooperation import bp, figures, policies, services
from app.cooperation.files import attach
from app.cooperation.forms import FiguresFilterForm, MessageForm, OfferForm, RatingForm, RequestForm, StatusForm
from app.cooperation.models import TRANSITIONS, RequestFile, RequestOffer, RequestStatus, ServiceRequest, Visibility
from app.core.files import send_stored_file
from app.core.forms import ConfirmForm
from app.core.permissions import deny, load_or_404
from app.core.uow import form_page, refusals
from app.extensions import db
from app.network.models import Company


def _require_user() -> None:
    if not policies.can_use(current_user):
        deny()


def _my_companies() -> list[Company]:
    if policies.is_coordinator(current_user):
        return list(db.session.scalars(select(Company).where(Company.is_active.is_(True)).order_by(Company.name)))
    ids = policies.acts_for(current_user)
    return list(db.session.scalars(select(Company).where(Company.id.in_(ids)).order_by(Company.name)))


def _load(request_id: int) -> ServiceRequest:
    service_request = load_or_404(ServiceRequest, request_id)
    if not policies.can_see_request(current_user, service_request):
        abort(404)  # a request not meant for you does not exist for you
    return service_request


def _to(service_request: ServiceRequest, section: str = ""):
    return redirect(url_for("cooperation.detail", request_id=service_request.id) + section, 303)


@bp.route("/")
@login_required
def index():
    _require_user()
    open_requests, mine = services.visible_requests(current_user)
    return render_template("cooperation/index.html", open_requests=open_requests, mine=mine,
                           labels=services.STATUS_LABELS(), can_figures=policies.can_see_figures(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _require_user()
    form = RequestForm()
    companies = _my_companies()
    form.company_id.choices = [(c.id, c.name) for c in companies]
    others = list(db.session.scalars(select(Company).where(Company.is_active.is_(True)).order_by(Company.name)))
    form.audience.choices = [(c.id, c.name) for c in others]
    if form.validate_on_submit():
        with refusals(form):
            company = next(c for c in companies if c.id == form.company_id.data)
            audience = [c for c in others if c.id in set(form.audience.data or [])]
            created = services.create_request(
                current_user, company, title=form.title.data, description=form.description.data,
                process=form.need_process.data, materials=form.materials.data, quantity=form.quantity.data,
                unit=form.unit.data, max_thickness_mm=form.max_thickness_mm.data, deadline=form.deadline.data,
                delivery_place=form.delivery_place.data, cross_border=form.cross_border.data,
                visibility=Visibility(form.visibility.data), audience=audience)
            upload = form.file.data
            if upload and getattr(upload, "filename", ""):
                attach(RequestFile(request_id=created.id), upload.stream, upload.filename, actor=current_user,
                       about=created)
            flash(_("Your request was posted; matching members have been told."), "success")
            return _to(created)
    return form_page("cooperation/request_form.html", form=form)


@bp.route("/<int:request_id>")
@login_required
def detail(request_id: int):
    _require_user()
    service_request = _load(request_id)
    offers = [o for o in service_request.offers if policies.can_see_offer(current_user, o)]
    threads = {o.id: services.thread(o) for o in offers}
    can_manage = policies.can_manage(current_user, service_request)
    status_form = None
    if can_manage or policies.offerer_ids(current_user, service_request):
        status_form = StatusForm(formdata=None)
        labels = services.STATUS_LABELS()
        status_form.to.choices = [(s.value, labels[s]) for s in RequestStatus
                                  if s in TRANSITIONS[service_request.status]]
        if not status_form.to.choices:
            status_form = None
    offer_companies = [c for c in _my_companies() if policies.can_offer(current_user, service_request, c.id)]
    rate_for = policies.can_rate(current_user, service_request)
    rated = {r.company_id for r in services.ratings(service_request)}
    visible_files = [f for f in service_request.files
                     if f.offer_id is None or any(o.id == f.offer_id for o in offers)]
    return render_template("cooperation/detail.html", r=service_request, offers=offers, threads=threads,
                           can_manage=can_manage, status_form=status_form, can_offer=bool(offer_companies),
                           can_rate=bool(rate_for - rated), ratings=services.ratings(service_request),
                           labels=services.STATUS_LABELS(), files=visible_files,
                           is_requester=policies.is_requester(current_user, service_request),
                           can_post=policies.can_turn_into_post(current_user, service_request),
                           confirm=ConfirmForm(formdata=None),
                           message_form=MessageForm(formdata=None), final=service_request.status in (
                               RequestStatus.CLOSED, RequestStatus.CANCELLED))


@bp.route("/<int:request_id>/offer", methods=["GET", "POST"])
@login_required
def offer(request_id: int):
    _require_user()
    service_request = _load(request_id)
    form = OfferForm()
    companies = [c for c in _my_companies() if c.id != service_request.company_id]
    form.company_id.choices = [(c.id, c.name) for c in companies]
    if form.validate_on_submit():
        with refusals(form):
            company = next(c for c in companies if c.id == form.company_id.data)
            made = services.make_offer(current_user, service_request, company, price=form.price.data,
                                       currency=form.currency.data, lead_time_days=form.lead_time_days.data,
                                       note=form.note.data)
            upload = form.file.data
            if upload and getattr(upload, "filename", ""):
                attach(RequestFile(request_id=service_request.id, offer_id=made.id), upload.stream,
                       upload.filename, actor=current_user, about=service_request)
            flash(_("Your offer was sent."), "success")
            return _to(service_request)
    return form_page("cooperation/offer_form.html", form=form, r=service_request)


def _load_offer(request_id: int, offer_id: int) -> RequestOffer:
    service_request = _load(request_id)
    found = load_or_404(RequestOffer, offer_id)
    if found.request_id != service_request.id or not policies.can_see_offer(current_user, found):
        abort(404)
    return found


@bp.route("/<int:request_id>/offers/<int:request_offer_id>/accept", methods=["POST"])
@login_required
def accept(request_id: int, request_offer_id: int):
    _require_user()
    found = _load_offer(request_id, request_offer_id)
    with refusals():
        services.accept_offer(current_user, found)
        flash(_("The offer was accepted; the order is agreed."), "success")
    return _to(found.request)


@bp.route("/<int:request_id>/offers/<int:request_offer_id>/withdraw", methods=["POST"])
@login_required
def withdraw(request_id: int, request_offer_id: int):
    _require_user()
    found = _load_offer(request_id, request_offer_id)
    with refusals():
        services.withdraw_offer(current_user, found)
        flash(_("The offer was withdrawn."), "success")
    return _to(found.request)


@bp.route("/<int:request_id>/offers/<int:request_offer_id>/messages", methods=["POST"])
@login_required
def message(request_id: int, request_offer_id: int):
    _require_user()
    found = _load_offer(request_id, request_offer_id)
    form = MessageForm()
    if form.validate_on_submit():
        with refusals(form):
            services.post_message(current_user, found, form.body.data)
            flash(_("Your message was sent."), "success")
    else:
        flash(_("Please write a message."), "error")
    return _to(found.request, f"#thread-{found.id}")


@bp.route("/<int:request_id>/status", methods=["POST"])
@login_required
def status(request_id: int):
    _require_user()
    service_request = _load(request_id)
    form = StatusForm()
    form.to.choices = [(s.value, s.value) for s in RequestStatus]
    if form.validate_on_submit():
        with refusals(form):
            services.transition(current_user, service_request, RequestStatus(form.to.data), form.note.data)
            flash(_("The status was changed."), "success")
    else:
        flash(_("Choose a valid status."), "error")
    return _to(service_request)


@bp.route("/<int:request_id>/rate", methods=["GET", "POST"])
@login_required
def rate(request_id: int):
    _require_user()
    service_request = _load(request_id)
    parties = policies.can_rate(current_user, service_request)
    rated = {r.company_id for r in services.ratings(service_request)}
    choices = [(c.id, c.name) for c in db.session.scalars(select(Company).where(Company.id.in_(parties - rated)))]
    if not choices:
        flash(_("There is nothing for you to rate here."), "error")
        return _to(service_request)
    form = RatingForm()
    form.company_id.choices = choices
    if form.validate_on_submit():
        with refusals(form):
            services.rate(current_user, service_request, form.company_id.data, form.score.data, form.comment.data)
            flash(_("Thank you for the rating."), "success")
            return _to(service_request)
    return form_page("cooperation/rate_form.html", form=form, r=service_request)


@bp.route("/<int:request_id>/post", methods=["POST"])
@login_required
def to_post(request_id: int):
    """A coordinator turns a completed order into a draft bulletin post and goes on editing it there."""
    if not policies.is_coordinator(current_user):
        deny()
    service_request = _load(request_id)
    if ConfirmForm().validate_on_submit():
        with refusals():
            post = services.post_from_request(current_user, service_request)
            flash(_("A draft post was written from this cooperation; read it and edit it before publishing."),
                  "success")
            return redirect(url_for("bulletin.edit", post_id=post.id), 303)
    return _to(service_request)


@bp.route("/<int:request_id>/files/<int:attachment_id>")
@login_required
def file(request_id: int, attachment_id: int):
    _require_user()
    service_request = _load(request_id)
    row = load_or_404(RequestFile, attachment_id)
    if row.request_id != service_request.id:
        abort(404)
    if row.offer_id is not None and not policies.can_see_offer(current_user, load_or_404(RequestOffer, row.offer_id)):
        abort(404)
    return send_stored_file(row)


def _figure_filters() -> tuple[FiguresFilterForm, str, figures.Filter]:
    """The figures' filters from the query string; invalid ones are shown on the form and ignored."""
    form = FiguresFilterForm(request.args)
    by, where = "country", figures.Filter()
    if form.validate():
        by = form.by.data or "country"
        where = figures.Filter(start=form.start.data, end=form.end.data,
                               country=Country(form.country.data) if form.country.data else None)
    return form, by, where


def _filter_args(where: figures.Filter) -> dict:
    return {k: v for k, v in (("start", where.start and where.start.isoformat()),
                              ("end", where.end and where.end.isoformat()),
                              ("country", where.country and where.country.value)) if v}


@bp.route("/figures")
@login_required
def figures_page():
    if not policies.can_see_figures(current_user):
        deny()
    form, by, where = _figure_filters()
    rows = figures.compute(by, where)
    return render_template("cooperation/figures.html", rows=rows, by=by, groupings=figures.GROUPINGS, form=form,
                           filter_args=_filter_args(where))


@bp.route("/figures.<any(csv, xlsx):fmt>")
@login_required
def figures_export(fmt: str):
    if not policies.can_see_figures(current_user):
        deny()
    _form, by, where = _figure_filters()
    return figures.export(figures.compute(by, where), by, fmt)


@bp.context_processor
def _vocabulary() -> dict:
    from app.network.vocabulary import MATERIAL_LABELS, PROCESS_LABELS

    return {"PROCESS_LABELS": PROCESS_LABELS, "MATERIAL_LABELS": MATERIAL_LABELS, "figure_label": figures.label}
