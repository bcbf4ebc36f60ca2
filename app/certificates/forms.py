from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.core.forms import Form


class RevokeForm(Form):
    reason = StringField(_l("Reason"), validators=[DataRequired(message=_l(
        "Please give the reason for revoking the certificate.")), Length(max=500)])
    submit = SubmitField(_l("Revoke"))


class VerifyForm(Form):
    class Meta:
        csrf = False

    code = StringField(_l("Certificate code"), validators=[DataRequired(), Length(max=32)])
