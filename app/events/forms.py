"""Forms of events: planning one (texts per language, the meeting's time and place), cancelling it, photos."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.accounts.models import Country
from app.catalogue.forms import translated_fields
from app.core.forms import Form, web_address
from app.core.i18n import COUNTRY_LABELS, LANGUAGE_LABELS, LANGUAGE_NAMES, LANGUAGES
from app.events.models import EventKind, EventVisibility, RegistrationStatus
from app.training.forms import TIMEZONES

KIND_LABELS = {EventKind.STUDY_VISIT: _l("Study visit"), EventKind.FAIR: _l("Fair"),
               EventKind.GATHERING: _l("Community gathering"), EventKind.CLUSTER_MEETING: _l("Cluster meeting")}
VISIBILITY_LABELS = {EventVisibility.PUBLIC: _l("Everyone (public)"),
                     EventVisibility.MEMBERS: _l("The cluster's members only")}
REGISTRATION_LABELS = {RegistrationStatus.CONFIRMED: _l("registered"), RegistrationStatus.WAITING: _l("waiting"),
                       RegistrationStatus.CANCELLED: _l("cancelled")}


class EventForm(Form):
    kind = SelectField(_l("Kind of event"), choices=[(k.value, label) for k, label in KIND_LABELS.items()],
                       validators=[InputRequired()])
    visibility = RadioField(_l("Who may see it and register"), default=EventVisibility.PUBLIC.value,
                            choices=[(v.value, label) for v, label in VISIBILITY_LABELS.items()],
                            validators=[InputRequired()])
    source_language = SelectField(_l("Language the texts are written in"), validators=[InputRequired()],
                                  choices=[(code, LANGUAGE_LABELS[code]) for code in LANGUAGES])
    starts_local = DateTimeLocalField(_l("Starts (local time at the venue)"), format="%Y-%m-%dT%H:%M",
                                      validators=[DataRequired(message=_l("Please give the start."))])
    ends_local = DateTimeLocalField(_l("Ends (local time at the venue)"), format="%Y-%m-%dT%H:%M",
                                    validators=[DataRequired(message=_l("Please give the end."))])
    timezone = SelectField(_l("Venue time zone"), choices=TIMEZONES)
    venue_company = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    venue_address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    venue_country = SelectField(_l("Country"), choices=lambda: [(c.value, COUNTRY_LABELS[c.value]) for c in Country])
    online_url = StringField(_l("Online link (optional)"), validators=[Optional(), Length(max=500), web_address])
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=10000)])
    registration_deadline = DateTimeLocalField(_l("Registration closes (local time; empty: at the start)"),
                                               format="%Y-%m-%dT%H:%M", validators=[Optional()])
    host_company_id = SelectField(_l("Host member of the network"), coerce=int)
    specialisation_id = SelectField(_l("Specialisation (for the indicators)"), coerce=int)
    language = SelectField(_l("Language of the attendance sheet"), choices=lambda: list(LANGUAGE_NAMES.items()))
    submit = SubmitField(_l("Save the event"))


translated_fields(EventForm, "title", _l("Title"), max_length=200)
translated_fields(EventForm, "summary", _l("Summary"), field_class=TextAreaField, max_length=2000)
translated_fields(EventForm, "programme", _l("Programme (one item per line)"), field_class=TextAreaField,
                  max_length=5000)


class CancelEventForm(Form):
    reason = TextAreaField(_l("Reason for the cancellation"), validators=[
        DataRequired(message=_l("Please give the reason for the cancellation.")), Length(max=1000)])
    submit = SubmitField(_l("Cancel the event"))


class PhotoForm(Form):
    file = FileField(_l("Photo (JPEG, PNG or WebP, at most 10 MB)"),
                     validators=[FileRequired(message=_l("Choose a photo."))])
    submit = SubmitField(_l("Add the photo"))
