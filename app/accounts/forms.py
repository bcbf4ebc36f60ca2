from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.accounts.models import Country, Gender
from app.core.forms import Form, TimezoneField
from app.core.i18n import COUNTRY_LABELS, GENDER_LABELS, LANGUAGE_NAMES, ROLE_LABELS
from app.core.permissions import Role

EMAIL_VALIDATORS = [
    DataRequired(message=_l("Please enter your e-mail address.")),
    Email(message=_l("This is not a valid e-mail address."), check_deliverability=False),
    Length(max=254),
]


def _country_choices():
    return [(c.value, COUNTRY_LABELS[c.value]) for c in Country]


def _gender_choices():
    return [("", _l("Prefer not to say")), *[(g.value, GENDER_LABELS[g.value]) for g in Gender]]


def _language_choices():
    return list(LANGUAGE_NAMES.items())


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS, render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Please enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ProfileFieldsMixin:
    full_name = StringField(_l("Full name"), validators=[DataRequired(message=_l("Please enter your name.")),
                                                         Length(max=200)], render_kw={"autocomplete": "name"})
    country = SelectField(_l("Country"), choices=_country_choices)
    language = SelectField(_l("Preferred language"), choices=_language_choices)
    timezone = TimezoneField(_l("Time zone"))
    # A member of the directory chosen from the list (app.core.employers links it), or any other name.
    company_name = StringField(_l("Employer (company)"), validators=[Optional(), Length(max=200)],
                               render_kw={"autocomplete": "organization", "list": "employer-choices"})
    gender = SelectField(_l("Gender (optional, used only for the funder's anonymous statistics)"),
                         choices=_gender_choices, validators=[Optional()])


class NewPasswordMixin:
    password = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Please choose a password."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
                            render_kw={"autocomplete": "new-password"})


class ConsentMixin:
    consent = BooleanField(_l("I have read the privacy notice and agree to the processing of my personal data for "
                              "the training project."),
                           validators=[DataRequired(message=_l("Please confirm that you agree to the privacy "
                                                               "notice; without it we cannot keep your account."))])


class RegisterForm(ProfileFieldsMixin, NewPasswordMixin, ConsentMixin, Form):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS, render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Create account"))


class AcceptInvitationForm(ProfileFieldsMixin, NewPasswordMixin, ConsentMixin, Form):
    submit = SubmitField(_l("Activate my account"))


class ProfileForm(ProfileFieldsMixin, Form):
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS, render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField(_l("Set new password"))


class InviteForm(Form):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS)
    full_name = StringField(_l("Full name"), validators=[DataRequired(message=_l("Please enter the name.")),
                                                         Length(max=200)])
    role = SelectField(_l("Role"), choices=lambda: [(r.value, ROLE_LABELS[r]) for r in Role])
    language = SelectField(_l("Language of the invitation"), choices=_language_choices)
    country = SelectField(_l("Country"), choices=_country_choices)
    submit = SubmitField(_l("Send invitation"))


class UserAdminForm(Form):
    role = SelectField(_l("Role"), choices=lambda: [(r.value, ROLE_LABELS[r]) for r in Role])
    is_active = BooleanField(_l("Account active (can log in)"))
    submit = SubmitField(_l("Save changes"))


class UserSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=lambda: [("", _l("All roles")), *[(r.value, ROLE_LABELS[r]) for r in Role]],
                       validators=[Optional()])
