from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.accounts.models import Country
from app.catalogue.forms import translated_fields
from app.core.forms import Form, web_address
from app.core.i18n import COUNTRY_LABELS, LANGUAGE_NAMES

TIMEZONES = [("Europe/Warsaw", "Europe/Warsaw (PL)"), ("Europe/Vilnius", "Europe/Vilnius (LT)")]


class MeetingForm(Form):
    starts_local = DateTimeLocalField(_l("Starts (local time at the venue)"), format="%Y-%m-%dT%H:%M",
                                      validators=[DataRequired(message=_l("Please give the start."))])
    ends_local = DateTimeLocalField(_l("Ends (local time at the venue)"), format="%Y-%m-%dT%H:%M",
                                    validators=[DataRequired(message=_l("Please give the end."))])
    timezone = SelectField(_l("Venue time zone"), choices=TIMEZONES)
    venue_company = StringField(_l("Host company"), validators=[Optional(), Length(max=200)])
    venue_address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    venue_country = SelectField(_l("Country"), choices=lambda: [(c.value, COUNTRY_LABELS[c.value]) for c in Country])
    online_url = URLField(_l("Online link (optional)"), validators=[Optional(), Length(max=500), web_address])
    trainer_id = SelectField(_l("Trainer"), coerce=int)
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=10000)])
    language = SelectField(_l("Language of the attendance sheet"), choices=lambda: list(LANGUAGE_NAMES.items()))
    submit = SubmitField(_l("Save meeting"))


# At least one language is required; the service checks (the others are shown to trainees reading that language).
translated_fields(MeetingForm, "title", _l("Title"), max_length=200)


class CancelForm(Form):
    reason = TextAreaField(_l("Reason for the cancellation"), validators=[
        DataRequired(message=_l("Please give the reason for the cancellation.")), Length(max=1000)])
    submit = SubmitField(_l("Cancel the meeting"))


class RosterEntryForm(Form):
    class Meta:
        csrf = False  # part of the roster form, which carries the token

    user_id = HiddenField()
    status = SelectField(_l("Attendance"), choices=lambda: [
        ("", _l("— not marked —")), ("present", _l("present")), ("late", _l("late")),
        ("excused", _l("excused")), ("absent", _l("absent"))], validators=[Optional()])
    remark = StringField(_l("Remark"), validators=[Optional(), Length(max=500)])


class RosterForm(Form):
    entries = FieldList(FormField(RosterEntryForm))
    submit = SubmitField(_l("Save attendance"))


class CodeForm(Form):
    code = StringField(_l("Code shown by the trainer"), validators=[
        DataRequired(message=_l("Type the code shown on the trainer's screen.")), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    submit = SubmitField(_l("Check in"))


class TicketForm(Form):
    ticket = StringField(_l("Participant ticket"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Mark present"))


class SignedSheetForm(Form):
    file = FileField(_l("Signed attendance sheet (PDF, JPG or PNG scan)"),
                     validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload scan"))
