from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateField, FloatField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import Select, html_params

from app.catalogue.forms import translated_fields
from app.core.forms import Form
from app.core.i18n import COUNTRY_LABELS, GENDER_LABELS
from app.network.regions import region_choices
from app.reporting.models import Measure

MEASURE_LABELS = {
    Measure.TRAINEES_ENROLLED: _l("Trainees enrolled (persons)"),
    Measure.TRAINEES_COMPLETED: _l("Trainees who completed a course (persons)"),
    Measure.MEETINGS_HELD: _l("Training meetings held"),
    Measure.ATTENDANCE_RATE: _l("Attendance rate"),
    Measure.PLACEMENTS_COMPLETED: _l("Trainees who completed an internship (persons)"),
    Measure.CROSS_BORDER_PLACEMENTS: _l("Trainees who completed a cross-border internship (persons)"),
    Measure.TRAINEE_HOURS: _l("Trainee hours (meetings attended and confirmed internship hours)"),
    Measure.CERTIFICATES_ISSUED: _l("Trainees holding a valid certificate (persons)"),
    Measure.FIRMS_INVOLVED: _l("Member firms involved: employing a trainee or hosting an internship (firms; "
                               "the country is the firm's)"),
    Measure.CROSS_BORDER_COOPERATIONS: _l("Cross-border cooperations: completed internships abroad (internships)"),
    # cooperation between members: the country is the requesting member's
    Measure.COOPERATION_REQUESTS_POSTED: _l("Cooperation requests posted (requests; the country is the "
                                            "requester's)"),
    Measure.COOPERATION_REQUESTS_ANSWERED: _l("Cooperation requests answered with at least one offer (requests)"),
    Measure.COOPERATION_REQUESTS_MATCHED: _l("Cooperation requests matched: an offer accepted (requests)"),
    Measure.COOPERATION_ORDERS_COMPLETED: _l("Cooperation orders completed: delivered or closed (orders)"),
    Measure.COOPERATION_RESPONSE_HOURS: _l("Median response time to a cooperation request (hours to the first "
                                           "offer)"),
    Measure.COOPERATION_CROSS_BORDER_SHARE: _l("Cross-border share of matched cooperation requests"),
    Measure.COOPERATION_VALUE_EUR: _l("Value of accepted cooperation offers in EUR (where given)"),
    Measure.COOPERATION_VALUE_PLN: _l("Value of accepted cooperation offers in PLN (where given)"),
    Measure.COOPERATION_SATISFACTION: _l("Satisfaction with cooperation: mean rating (1–5)"),
    Measure.EVENT_PARTICIPANTS: _l("Participants of events outside courses: study visits, fairs, gatherings "
                                   "(persons who attended)"),
}


class QuickSelect(Select):
    """wtforms' ``Select``, the same HTML written in one pass: the employers' filter lists a thousand names on
    every report page (the generic widget spent most of the page's time on them). Choices are (value, label)."""

    def __call__(self, field, **kwargs):
        choices = field.choices
        if callable(choices) or not all(isinstance(c, tuple) and len(c) == 2 for c in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for key in dir(flags):
            if key in self.validation_attrs and key not in kwargs:
                kwargs[key] = getattr(flags, key)
        data, coerce = field.data, field.coerce
        options = "".join(
            f'<option {"selected " if coerce(value) == data else ""}value="{escape(value)}">'
            f"{escape(label or value)}</option>" for value, label in choices)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704 (escaped)


class ReportFilterForm(Form):
    """The filters of every report page; the same arguments drive its exports."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    specialisation = SelectField(_l("Specialisation"), coerce=str, validators=[Optional()])
    country = SelectField(_l("Trainee's country"), validators=[Optional()], choices=lambda: [
        ("", _l("Both countries")), ("PL", COUNTRY_LABELS["PL"]), ("LT", COUNTRY_LABELS["LT"])])
    company = SelectField(_l("Trainee's company"), validators=[Optional()], widget=QuickSelect())
    region = SelectField(_l("Region of the trainee's company"), validators=[Optional()],
                         choices=lambda: [("", _l("All regions")), *region_choices()])


class IndicatorForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Please give the indicator's code.")),
                                               Length(max=32)])
    measure = SelectField(_l("What is counted"), choices=lambda: [(m.value, label)
                                                                  for m, label in MEASURE_LABELS.items()])
    unit = StringField(_l("Unit"), default="persons", validators=[DataRequired(), Length(max=32)])
    baseline = FloatField(_l("Baseline"), default=0, validators=[InputRequired(), NumberRange(min=0)])
    milestone_value = FloatField(_l("Milestone value"), validators=[Optional(), NumberRange(min=0)])
    milestone_on = DateField(_l("Milestone date"), validators=[Optional()])
    target_value = FloatField(_l("Final target"), validators=[
        InputRequired(message=_l("Please give the final target.")), NumberRange(min=0)])
    specialisation_id = SelectField(_l("Only this specialisation"), coerce=int)
    country = SelectField(_l("Only trainees from"), choices=lambda: [
        ("", _l("Both countries")), ("PL", COUNTRY_LABELS["PL"]), ("LT", COUNTRY_LABELS["LT"])])
    gender = SelectField(_l("Only trainees of gender"), choices=lambda: [("", _l("All")), *GENDER_LABELS.items()])
    period_start = DateField(_l("Counted from"), validators=[Optional()])
    period_end = DateField(_l("Counted until"), validators=[Optional()])
    position = IntegerField(_l("Order in the table"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Save indicator"))


translated_fields(IndicatorForm, "name", _l("Name"), max_length=300)
