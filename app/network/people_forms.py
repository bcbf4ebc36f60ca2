"""Forms of the network's people pages: coordinators matching employers, firms inviting their managers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.core.i18n import LANGUAGE_NAMES
from app.core.permissions import MAX_ID


class EmployerKeyForm(Form):
    """Which unmatched employer name a decision is about (its name key)."""

    key = HiddenField(validators=[InputRequired(message=_l("The list has changed, please look again.")),
                                  Length(max=400)])


class ConfirmEmployerForm(EmployerKeyForm):
    company_id = IntegerField(validators=[InputRequired(message=_l("Choose a member.")), NumberRange(1, MAX_ID)])
    submit = SubmitField(_l("Confirm"))


class OtherEmployerForm(EmployerKeyForm):
    member = StringField(_l("Another member"), validators=[
        DataRequired(message=_l("Type the member's name or registration number and choose it from the list.")),
        Length(max=300)], render_kw={"list": "employer-choices", "autocomplete": "off"})
    submit = SubmitField(_l("Link to this member"))


class DismissEmployerForm(EmployerKeyForm):
    submit = SubmitField(_l("Not in the directory"))


class InviteManagerForm(Form):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=_l("Please enter the e-mail address.")),
        Email(message=_l("This is not a valid e-mail address."), check_deliverability=False), Length(max=254)])
    full_name = StringField(_l("Name (for a person without an account)"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language"), choices=lambda: list(LANGUAGE_NAMES.items()))
    submit = SubmitField(_l("Invite as manager"))


class ManagerActionForm(Form):
    """Confirming or removing a manager: a button (the CSRF token is the form)."""

    submit = SubmitField(_l("Confirm"))
