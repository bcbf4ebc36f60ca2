from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.catalogue.forms import translated_fields
from app.core.forms import Form
from app.core.i18n import LANGUAGE_NAMES
from app.network.forms import COUNTRIES  # noqa: F401  (placements' forms offer the same two countries)


class MentorForm(Form):
    email = EmailField(_l("Mentor's e-mail"), validators=[
        DataRequired(), Email(message=_l("This is not a valid e-mail address."), check_deliverability=False)])
    full_name = StringField(_l("Full name (to invite someone who has no account yet)"),
                            validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the invitation"), choices=lambda: list(LANGUAGE_NAMES.items()),
                           default="en")
    submit = SubmitField(_l("Add mentor"))


class OfferForm(Form):
    company_id = SelectField(_l("Company"), coerce=int)
    specialisation_id = SelectField(_l("Specialisation"), coerce=int)
    starts_on = DateField(_l("From"), validators=[DataRequired(message=_l("Please give the start."))])
    ends_on = DateField(_l("To"), validators=[DataRequired(message=_l("Please give the end."))])
    places = IntegerField(_l("Places"), default=1, validators=[InputRequired(), NumberRange(min=1, max=50)])
    planned_hours = IntegerField(_l("Planned hours"), default=160, validators=[InputRequired(),
                                                                               NumberRange(min=1, max=2000)])
    working_language = SelectField(_l("Working language"), choices=lambda: list(LANGUAGE_NAMES.items()))
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save offer"))


translated_fields(OfferForm, "title", _l("Title"), max_length=200)
translated_fields(OfferForm, "description", _l("Description"), TextAreaField, max_length=4000)


class ApplicationForm(Form):
    # Nothing is preselected: the list starts with a "choose" line (0), which the trainee must replace.
    first = SelectField(_l("First choice"), coerce=int, default=0, validators=[
        DataRequired(message=_l("Choose the offer you want most."))])
    second = SelectField(_l("Second choice (optional)"), coerce=int, validators=[Optional()])
    third = SelectField(_l("Third choice (optional)"), coerce=int, validators=[Optional()])
    motivation = TextAreaField(_l("Motivation"), validators=[
        DataRequired(message=_l("Write a few sentences of motivation (at least 20 characters).")),
        Length(max=3000)])
    submit = SubmitField(_l("Apply"))


class PlacementForm(Form):
    trainee_id = SelectField(_l("Trainee"), coerce=int)
    company_id = SelectField(_l("Host company"), coerce=int)
    specialisation_id = SelectField(_l("Specialisation"), coerce=int)
    mentor_id = SelectField(_l("Mentor"), coerce=int)
    starts_on = DateField(_l("From"), validators=[DataRequired(message=_l("Please give the start."))])
    ends_on = DateField(_l("To"), validators=[DataRequired(message=_l("Please give the end."))])
    planned_hours = IntegerField(_l("Planned hours"), default=160, validators=[InputRequired(),
                                                                               NumberRange(min=1, max=2000)])
    submit = SubmitField(_l("Propose the placement"))


class TransitionForm(Form):
    status = SelectField(_l("New status"), choices=lambda: [
        ("agreed", _l("agreed")), ("in_progress", _l("in progress")), ("completed", _l("completed")),
        ("cancelled", _l("cancelled"))])
    reason = StringField(_l("Reason (needed for a cancellation)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Change the status"))


class LogbookForm(Form):
    day = DateField(_l("Day"), validators=[DataRequired(message=_l("Please give the day."))])
    hours = FloatField(_l("Hours"), validators=[InputRequired(message=_l("Please give the hours.")),
                                                NumberRange(min=0.5, max=12)])
    tasks = TextAreaField(_l("Tasks done"), validators=[DataRequired(message=_l("Describe the tasks done.")),
                                                        Length(max=3000)])
    submit = SubmitField(_l("Save the day"))


class ReviewForm(Form):
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=1000)])


class EvaluationForm(Form):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=3000)])
    submit = SubmitField(_l("Save the evaluation"))


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
COMPETENCE_LABELS = {"safety": _l("Safety at work"), "technical_skills": _l("Technical skills"),
                     "quality": _l("Quality of work"), "teamwork": _l("Teamwork"),
                     "communication": _l("Communication"), "independence": _l("Independence")}
for _name, _label in COMPETENCE_LABELS.items():
    setattr(EvaluationForm, f"rating_{_name}", SelectField(_label, choices=RATING_CHOICES,
                                                           validators=[DataRequired()]))


class DocumentForm(Form):
    kind = SelectField(_l("Document"), choices=lambda: [
        ("agreement", _l("Placement agreement")), ("insurance", _l("Insurance")),
        ("evaluation", _l("Evaluation")), ("other", _l("Other"))])
    file = FileField(_l("File (PDF, JPG, PNG or DOCX)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload"))


def matching_form(proposal, formdata=None):
    """One select per open application, pre-set to the proposed offer; the coordinator may change or clear it. An
    offer overlapping a placement the applicant already has is shown but cannot be chosen."""

    class MatchingForm(Form):
        submit = SubmitField(_l("Accept these matches"))

    for application in proposal.applications:
        options = [(0, _l("— no placement now —"))]
        for choice in application.choices:
            if choice.offer_id not in proposal.offers:
                continue
            label = f"{choice.rank}. {choice.offer.company.name}"
            if (application.id, choice.offer_id) in proposal.clashes:
                options.append((choice.offer_id, _l("%(offer)s (overlaps a placement of this trainee)", offer=label),
                                {"disabled": True}))
            else:
                options.append((choice.offer_id, label))
        setattr(MatchingForm, f"offer_{application.id}", SelectField(
            application.user.full_name, coerce=int, choices=options,
            default=proposal.proposed.get(application.id) or 0))
    return MatchingForm(formdata=formdata) if formdata is not None else MatchingForm()
