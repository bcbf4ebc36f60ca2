from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.accounts.models import Country, Gender
from app.core.forms import Form
from app.core.i18n import COUNTRY_LABELS, GENDER_LABELS, LANGUAGE_NAMES


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class EnrolPersonForm(Form):
    user = SelectField(_l("Person"), coerce=int)
    submit = SubmitField(_l("Enrol"))


class ManagedParticipantForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(message=_l("Please enter the name.")),
                                                         Length(max=200)])
    country = SelectField(_l("Country"), choices=lambda: [(c.value, COUNTRY_LABELS[c.value]) for c in Country])
    company_name = StringField(_l("Employer (company)"), validators=[Optional(), Length(max=200)],
                               render_kw={"list": "employer-choices", "autocomplete": "off"})
    language = SelectField(_l("Language"), choices=lambda: list(LANGUAGE_NAMES.items()))
    gender = SelectField(_l("Gender (optional)"), validators=[Optional()],
                         choices=lambda: [("", _l("Not given")), *[(g.value, GENDER_LABELS[g.value]) for g in Gender]])
    submit = SubmitField(_l("Record participant"))


class GiveLoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=_l("Please enter the e-mail address.")),
        Email(message=_l("This is not a valid e-mail address."), check_deliverability=False), Length(max=254)])
    submit = SubmitField(_l("Give a login"))


class BulkUploadForm(Form):
    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], message=_l("Upload a .csv or .xlsx file."))])
    submit = SubmitField(_l("Check the file"))


class BulkConfirmForm(Form):
    rows = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import and enrol everyone"))
