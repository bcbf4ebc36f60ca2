from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import get_translations, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import Choice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.i18n import is_valid_timezone, timezone_choices


class _AppTranslations:
    """WTForms' built-in messages through the app's catalogues (WTForms ships no Lithuanian)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


#: Characters no text field keeps: NUL (PostgreSQL cannot store it) and the other control characters (spreadsheets
#: and PDFs refuse them); tabs and line breaks are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plain_text(value):
    """A filter on every text field: control characters are refused with a message, never stored."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValueError(_l("This text contains control characters, which cannot be saved. Please retype it."))
    return value


#: Dates people can mean: a meeting on 9999-12-31 or a report from 0001-01-01 is a typo, and such dates overflow
#: time-zone arithmetic and database columns.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def sane_date(form, field) -> None:
    """A validator on every date field: between 2000 and 2100."""
    value = field.data
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(_l("Please choose a date between the years %(first)s and %(last)s.",
                                 first=EARLIEST_DATE.year, last=LATEST_DATE.year))


def web_address(form, field) -> None:
    """A validator for addresses people will click: only http(s) with a host (never javascript: or data:)."""
    from urllib.parse import urlsplit

    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(_l("Please give a web address starting with https:// (or http://)."))


class FileNameField(StringField):
    """A file name as the browser reports it: control characters are cleaned away by ``clean_filename``, not refused
    (people do not type file names; their systems do)."""


class TimezoneField(SelectField):
    """The localised time-zone list (``core.i18n.timezone_choices``); any IANA zone is accepted, and a person's
    zone that the list leaves out (an alias chosen earlier, e.g. "Poland") is offered as it is."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=timezone_choices, **kwargs)

    def iter_choices(self):
        choices = list(super().iter_choices())
        if self.data and all(choice.value != self.data for choice in choices):
            choices.append(Choice(value=self.data, label=self.data, selected=True, render_kw={}))
        return choices

    def pre_validate(self, form) -> None:
        if not is_valid_timezone(self.data or ""):
            raise ValidationError(self.gettext("Not a valid choice."))


class Form(FlaskForm):
    """Base of every MCC form (its fields refuse control characters and dates outside 2000–2100)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _AppTranslations()

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, FileNameField):  # also text areas, passwords
                field.filters = (plain_text, *field.filters)
            elif isinstance(field, DateField | DateTimeField | DateTimeLocalField):
                field.validators = [*field.validators, sane_date]
            return field

        def wrap_formdata(self, form, formdata):
            # Flask-WTF reads a JSON body as the form, and fails on JSON that is not an object ([1], "x"):
            # such a body is simply an empty form, which then fails validation like any other bad input.
            from flask import request
            from werkzeug.datastructures import ImmutableMultiDict

            if formdata is _Auto and request and request.is_json:
                payload = request.get_json(silent=True)
                if not isinstance(payload, dict):
                    return ImmutableMultiDict()
                return ImmutableMultiDict({key: value if isinstance(value, str | int | float | bool) else str(value)
                                           for key, value in payload.items()})
            return super().wrap_formdata(form, formdata)


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
    directory_registration = BooleanField(_l("Members may register themselves in the directory"))
    submit = SubmitField(_l("Save settings"))


def apply_domain_error(form: FlaskForm, error) -> None:
    """A refusal (``DomainError``) shown on the field it names, or as a flash when it names none."""
    from flask import flash

    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(str(error.message), "error")


class SearchFilters(Form):
    """A public list's search box and specialisation filter (sent with GET, so without a CSRF token); the lists
    add their own filters."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    specialisation = SelectField(_l("Specialisation"), validators=[Optional()])


class ConfirmForm(Form):
    """A bare form for POST buttons: only the CSRF token."""

    submit = SubmitField(_l("Confirm"))
