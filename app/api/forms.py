from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.api.models import TokenScope
from app.api.tokens import SERVICE_ROLES
from app.core.forms import Form
from app.core.permissions import ROLE_LABELS

SCOPE_LABELS = {
    TokenScope.READ: _l("Read my data (courses, lessons, enrolments, meetings, certificates, placements)"),
    TokenScope.LEARNING: _l("Learning: record lesson progress and logbook days"),
    TokenScope.ATTENDANCE: _l("Attendance: check in to meetings"),
    TokenScope.REPORTING: _l("Reporting: the coordinators' figures"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _default_expiry() -> date:
    return date.today() + timedelta(days=90)


class TokenForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the token a name.")), Length(max=100)],
                       description=_l("Where you use it, e.g. “my phone app”."))
    scopes = CheckboxesField(_l("What the token may do"), choices=[(s.value, SCOPE_LABELS[s]) for s in TokenScope],
                             validators=[DataRequired(message=_l("Choose at least one scope."))])
    expires_on = DateField(_l("Valid until"), default=_default_expiry,
                           validators=[DataRequired(message=_l("Choose the day the token stops working."))])
    submit = SubmitField(_l("Create token"))


class ServiceTokenForm(TokenForm):
    role = SelectField(_l("Acts as"), choices=[(r.value, ROLE_LABELS[r]) for r in SERVICE_ROLES])
