"""Event pages: the list, an event (registration, the programme, photos), planning and cancelling, the
organisers' registrations list, photos, the .ics file, and a bulletin post drafted from the event."""

from __future__ import annotations

from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import Country
from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Specialisation
from app.core.db import utcnow
from app.core.forms import ConfirmForm, flash_form_errors
from app.core.i18n import LANGUAGES
from app.core.permissions import deny, load_or_403, load_or_404
from app.core.translated import pick, viewer_language
from app.core.uow import form_page, refusals
from app.core.urls import external_url
from app.events import bp, services
from app.events.forms import KIND_LABELS, REGISTRATION_LABELS, CancelEventForm, EventForm, PhotoForm
from app.events.models import Event, EventKind, EventPhoto, EventVisibility, RegistrationStatus
from app.events.policies import can_manage_event, can_organise_events, can_register, can_see_event
from app.extensions import db
from app.network.models import Company
from app.training import checkin
from app.training.calendar import meeting_calendar
from app.training.services import MeetingData


@bp.app_context_processor
def labels():
    # For every page: the front page and the home page show events too.
    return {"EVENT_KIND_LABELS": KIND_LABELS, "EVENT_REGISTRATION_LABELS": REGISTRATION_LABELS}


def _to_event(event_id: int):
    return redirect(url_for("events.show", event_id=event_id), 303)


@bp.get("/")
def index():
    past = request.args.get("past") == "1"
    return render_template("events/index.html", events=services.visible_events(current_user, past=past),
                           past=past, can_organise=can_organise_events(current_user))


@bp.get("/<int:event_id>")
def show(event_id: int):
    event = load_or_403(Event, event_id, can_see_event)
    manages = can_manage_event(current_user, event)
    registration = services.registration_of(event, current_user)
    own = None
    if registration is not None and registration.status == RegistrationStatus.CONFIRMED:
        own = checkin.is_open(event.meeting)
    return render_template(
        "events/show.html", event=event, meeting=event.meeting, manages=manages, registration=registration,
        position=services.waiting_position(registration) if registration else None,
        places_left=services.places_left(event), is_open=services.is_open_for_registration(event),
        closes_at=services.registration_closes_at(event), checkin_open=own,
        may_register=can_register(current_user, event), confirm=ConfirmForm(),
        photo_form=PhotoForm(), ended=event.meeting.ends_at <= utcnow(), started=event.meeting.starts_at <= utcnow(),
        venue_zone=ZoneInfo(event.meeting.timezone))


@bp.get("/<int:event_id>.ics")
def ics(event_id: int):
    """The event as a calendar file (the same UID as in the personal feed, so a calendar holding both shows it
    once)."""
    event = load_or_403(Event, event_id, can_see_event)
    reader = current_user if current_user.is_authenticated else SimpleNamespace(language=viewer_language())
    body = meeting_calendar(event.meeting, reader, external_url("core.index"))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="mcc-event-{event.id}.ics"'})


@bp.post("/<int:event_id>/register")
@login_required
def register(event_id: int):
    event = load_or_403(Event, event_id, can_see_event)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return _to_event(event.id)
    with refusals():
        registration = services.register(current_user, event)
        if registration.status == RegistrationStatus.CONFIRMED:
            flash(_("You are registered."), "success")
        else:
            flash(_("The event is full: you are on the waiting list (number %(n)s).",
                    n=services.waiting_position(registration)), "success")
    return _to_event(event.id)


@bp.post("/<int:event_id>/unregister")
@login_required
def unregister(event_id: int):
    event = load_or_403(Event, event_id, can_see_event)
    registration = services.registration_of(event, current_user)
    if registration is None or not ConfirmForm().validate_on_submit():
        flash(_("You are not registered for this event."), "error")
        return _to_event(event.id)
    with refusals():
        services.cancel_registration(current_user, registration)
        flash(_("Your registration is cancelled."), "success")
    return _to_event(event.id)


def _choices(form: EventForm) -> None:
    form.host_company_id.choices = [(0, _("— none —")), *[(company_id, name) for company_id, name in db.session.execute(
        select(Company.id, Company.name).where(Company.is_active.is_(True)).order_by(Company.name))]]
    form.specialisation_id.choices = [(0, _("— none —")), *[
        (s.id, pick(s.title)) for s in db.session.scalars(select(Specialisation).order_by(Specialisation.position))]]


def _event_data(form: EventForm) -> services.EventData:
    schedule = MeetingData(title={}, starts_local=form.starts_local.data, ends_local=form.ends_local.data,
                           timezone=form.timezone.data, venue_company=form.venue_company.data,
                           venue_address=form.venue_address.data, venue_country=Country(form.venue_country.data),
                           online_url=form.online_url.data, trainer_id=None, capacity=form.capacity.data,
                           language=form.language.data)
    return services.EventData(
        kind=EventKind(form.kind.data), visibility=EventVisibility(form.visibility.data),
        title=texts_from(form, "title"), summary=texts_from(form, "summary"),
        programme=texts_from(form, "programme"), source_language=form.source_language.data,
        host_company_id=form.host_company_id.data or None, specialisation_id=form.specialisation_id.data or None,
        registration_deadline_local=form.registration_deadline.data, schedule=schedule)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_organise_events(current_user):
        deny()
    form = EventForm()
    _choices(form)
    if request.method == "GET":
        form.source_language.data = viewer_language() if viewer_language() in LANGUAGES else LANGUAGES[0]
        form.language.data = form.source_language.data
        form.timezone.data = "Europe/Vilnius" if current_user.country == Country.LT else "Europe/Warsaw"
        form.venue_country.data = current_user.country.value
    if form.validate_on_submit():
        with refusals(form):
            event = services.create_event(current_user, _event_data(form))
            flash(_("The event is planned."), "success")
            return _to_event(event.id)
    return form_page("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = load_or_403(Event, event_id, can_manage_event)
    form = EventForm()
    _choices(form)
    if request.method == "GET":
        meeting, zone = event.meeting, ZoneInfo(event.meeting.timezone)
        form.kind.data, form.visibility.data = event.kind.value, event.visibility.value
        form.source_language.data = event.source_language
        fill_texts(form, "title", event.title)
        fill_texts(form, "summary", event.summary)
        fill_texts(form, "programme", event.programme)
        form.starts_local.data = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
        form.ends_local.data = meeting.ends_at.astimezone(zone).replace(tzinfo=None)
        if event.registration_deadline:
            form.registration_deadline.data = event.registration_deadline.astimezone(zone).replace(tzinfo=None)
        form.timezone.data, form.venue_country.data = meeting.timezone, meeting.venue_country.value
        form.venue_company.data, form.venue_address.data = meeting.venue_company, meeting.venue_address
        form.online_url.data, form.capacity.data, form.language.data = (meeting.online_url, meeting.capacity,
                                                                         meeting.language)
        form.host_company_id.data = event.host_company_id or 0
        form.specialisation_id.data = event.specialisation_id or 0
    if form.validate_on_submit():
        with refusals(form):
            services.update_event(current_user, event, _event_data(form))
            flash(_("The event is saved."), "success")
            return _to_event(event.id)
    return form_page("events/form.html", form=form, event=event, cancel_form=CancelEventForm(prefix="cancel"))


@bp.post("/<int:event_id>/cancel")
@login_required
def cancel(event_id: int):
    event = load_or_403(Event, event_id, can_manage_event)
    form = CancelEventForm(prefix="cancel")
    if form.validate_on_submit():
        with refusals():
            told = services.cancel_event(current_user, event, form.reason.data)
            flash(_("The event is cancelled; %(n)s people were told.", n=told), "success")
    else:
        flash_form_errors(form)
    return _to_event(event.id)


@bp.get("/<int:event_id>/registrations")
@login_required
def registrations(event_id: int):
    event = load_or_403(Event, event_id, can_manage_event)
    return render_template("events/registrations.html", event=event,
                           confirmed=services.registrations(event, RegistrationStatus.CONFIRMED),
                           waiting=services.waiting_list(event),
                           cancelled=services.registrations(event, RegistrationStatus.CANCELLED))


@bp.post("/<int:event_id>/photos")
@login_required
def add_photo(event_id: int):
    event = load_or_403(Event, event_id, can_manage_event)
    form = PhotoForm()
    if form.validate_on_submit():
        with refusals():
            services.add_photo(current_user, event, form.file.data.stream, form.file.data.filename)
            flash(_("The photo is added."), "success")
    else:
        flash_form_errors(form)
    return _to_event(event.id)


@bp.get("/<int:event_id>/photos/<int:photo_id>")
def photo(event_id: int, photo_id: int):
    from app.core.files import send_stored_file

    event = load_or_403(Event, event_id, can_see_event)
    row = load_or_404(EventPhoto, photo_id)
    if row.event_id != event.id:
        deny()
    return send_stored_file(row, inline=True)


@bp.post("/<int:event_id>/post")
@login_required
def to_post(event_id: int):
    """A draft bulletin post prefilled from the event; the coordinator finishes it on the post's edit page."""
    event = load_or_403(Event, event_id, can_manage_event)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return _to_event(event.id)
    with refusals():
        post = services.draft_post(current_user, event, external_url("events.show", event_id=event.id))
        flash(_("A draft post was written from the event: finish and publish it."), "success")
        return redirect(url_for("bulletin.edit", post_id=post.id), 303)
    return _to_event(event.id)
