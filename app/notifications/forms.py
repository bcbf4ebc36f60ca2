from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField

from app.core.forms import Form
from app.notifications.kinds import CATEGORIES
from app.notifications.models import Delivery

DELIVERY_LABELS = {Delivery.IMMEDIATELY: _l("By e-mail at once"), Delivery.DAILY: _l("In a daily e-mail summary"),
                   Delivery.OFF: _l("Only in MCC")}


def preferences_form(current: dict[str, Delivery], formdata=None) -> Form:
    """One choice per category that can be mailed, preset to the person's current choice."""

    class PreferencesForm(Form):
        submit = SubmitField(_l("Save"))

    for category in CATEGORIES.values():
        if category.mailable:
            setattr(PreferencesForm, f"cat_{category.name}", RadioField(
                category.label, choices=[(d.value, label) for d, label in DELIVERY_LABELS.items()],
                default=current[category.name].value))
    return PreferencesForm(formdata=formdata)
