"""WTForms' built-in validation messages, listed so the extractor puts them in the app's catalogue."""

from flask_babel import lazy_gettext as _l

MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be at least %(min)d character long."),
    _l("Field cannot be longer than %(max)d character."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Invalid URL."),
    _l("File does not have an approved extension: %(extensions)s"),
    _l("Invalid CSRF Token."),
    _l("The CSRF token is missing."),
    _l("The CSRF token has expired."),
    _l("The CSRF token is invalid."),
    _l("The CSRF tokens do not match."),
)
