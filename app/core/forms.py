from __future__ import annotations

from flask_babel import get_translations, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired


class _AppTranslations:
    """WTForms' built-in messages through the app's catalogues (WTForms ships no Lithuanian)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    """Base of every MCC form."""

    class Meta:
        def get_translations(self, form):
            return _AppTranslations()


def flash_form_errors(form: FlaskForm) -> None:
    """For forms posted from a page that redirects back: each validation message as a flash."""
    from flask import flash

    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


class LanguageForm(Form):
    """The header's language switcher: one submit button per language."""

    language = StringField(_l("Language"), validators=[DataRequired()])
    next = HiddenField()


class SiteSettingsForm(Form):
    self_registration = BooleanField(_l("Anyone may create a trainee account (open self-registration)"))
    submit = SubmitField(_l("Save settings"))


def apply_domain_error(form: FlaskForm, error) -> None:
    """A refusal (``DomainError``) shown on the field it names, or as a flash when it names none."""
    from flask import flash

    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(str(error.message), "error")
