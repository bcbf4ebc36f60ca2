"""The exchange's forms: a request, an offer, a message, a status step, a rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.cooperation.models import Currency, Visibility
from app.core.forms import Form
from app.core.i18n import COUNTRY_LABELS
from app.network.vocabulary import MATERIAL_LABELS, PROCESS_LABELS

VISIBILITY_LABELS = {Visibility.ALL: _l("All members"), Visibility.CHOSEN: _l("Chosen members"),
                     Visibility.ONE: _l("One member")}


class RequestForm(Form):
    company_id = SelectField(_l("Requesting member"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Please give a title.")), Length(max=200)])
    description = TextAreaField(_l("What is needed"), validators=[Optional(), Length(max=5000)])
    need_process = SelectField(_l("Process"), choices=lambda: [(p.value, label) for p, label in PROCESS_LABELS.items()])
    materials = SelectMultipleField(_l("Materials"), validators=[Optional()],
                                    choices=lambda: [(m.value, label) for m, label in MATERIAL_LABELS.items()])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(min=1, max=10_000_000)])
    unit = StringField(_l("Unit (pieces, kg, m…)"), validators=[Optional(), Length(max=20)])
    max_thickness_mm = FloatField(_l("Material thickness up to (mm)"),
                                  validators=[Optional(), NumberRange(min=0.01, max=1000)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    delivery_place = StringField(_l("Delivery place"), validators=[Optional(), Length(max=200)])
    cross_border = BooleanField(_l("Partners from across the border are welcome"), default=True)
    visibility = SelectField(_l("Who sees the request"),
                             choices=lambda: [(v.value, label) for v, label in VISIBILITY_LABELS.items()])
    audience = SelectMultipleField(_l("Chosen members"), coerce=int, validators=[Optional()])
    file = FileField(_l("Drawing or picture (DXF, DWG, STEP, PDF, PNG, JPEG)"))
    submit = SubmitField(_l("Post the request"))


class OfferForm(Form):
    company_id = SelectField(_l("Offering member"), coerce=int)
    price = DecimalField(_l("Price"), places=2, validators=[Optional(), NumberRange(min=0, max=100_000_000)])
    currency = SelectField(_l("Currency"), choices=[(c.value, c.value) for c in Currency])
    lead_time_days = IntegerField(_l("Lead time (days)"), validators=[Optional(), NumberRange(min=0, max=3650)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("Drawing or picture (DXF, DWG, STEP, PDF, PNG, JPEG)"))
    submit = SubmitField(_l("Send the offer"))


class MessageForm(Form):
    body = TextAreaField(_l("Message"), validators=[DataRequired(message=_l("Please write a message.")),
                                                     Length(max=5000)])
    submit = SubmitField(_l("Send"))


class StatusForm(Form):
    to = SelectField(_l("New status"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Change the status"))


class RatingForm(Form):
    company_id = SelectField(_l("Rating for the member"), coerce=int)
    score = IntegerField(_l("Score (1–5)"), validators=[InputRequired(message=_l("Give a score from 1 to 5.")),
                                                        NumberRange(min=1, max=5)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Rate"))


class FiguresFilterForm(Form):
    """The filters of the cooperation figures (page and downloads): grouping, period of opening, requester's
    country."""

    class Meta:
        csrf = False

    by = SelectField(_l("Per"), validators=[Optional()], choices=lambda: [
        ("country", _l("Country")), ("process", _l("Process")), ("period", _l("Month"))])
    start = DateField(_l("Opened from"), validators=[Optional()])
    end = DateField(_l("Opened until"), validators=[Optional()])
    country = SelectField(_l("Requester's country"), validators=[Optional()], choices=lambda: [
        ("", _l("Both countries")), ("PL", COUNTRY_LABELS["PL"]), ("LT", COUNTRY_LABELS["LT"])])

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end must be after the start."))
