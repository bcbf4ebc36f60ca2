"""Forms of the cluster network's directory."""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.accounts.models import Country
from app.catalogue.forms import translated_fields
from app.core.forms import Form, SearchFilters, web_address
from app.network.models import ContactVisibility, MemberKind
from app.network.regions import region_choices, region_fits
from app.network.vocabulary import (
    CONTACT_VISIBILITY_LABELS,
    MATERIAL_LABELS,
    MEMBER_KIND_LABELS,
    PROCESS_LABELS,
    WORKING_LANGUAGES,
)

COUNTRIES = [("PL", _l("Poland")), ("LT", _l("Lithuania"))]


class CompanyForm(Form):
    kind = SelectField(_l("Kind of member"), choices=lambda: [(k.value, MEMBER_KIND_LABELS[k]) for k in MemberKind],
                       default=MemberKind.FIRM.value)
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Please enter the company's name.")),
                                               Length(max=200)])
    country = SelectField(_l("Country"), choices=COUNTRIES)
    city = StringField(_l("City"), validators=[DataRequired(message=_l("Please enter the city.")), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    region = SelectField(_l("Region"), validators=[Optional()],
                         choices=lambda: [("", _l("Not given")), *region_choices()])
    district = StringField(_l("County or municipality"), validators=[Optional(), Length(max=100)])
    registration_number = StringField(_l("Registration number (NIP in Poland, company code in Lithuania)"),
                                      validators=[Optional(), Length(max=30)])
    vat_number = StringField(_l("EU VAT number (optional)"), validators=[Optional(), Length(max=30)])
    specialisations = SelectMultipleField(_l("Specialisations"), coerce=int)
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[
        Optional(), Email(message=_l("This is not a valid e-mail address."), check_deliverability=False)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=50)])
    contact_visibility = SelectField(_l("Who sees the contact details"), default=ContactVisibility.MEMBERS.value,
                                     choices=lambda: [(v.value, t) for v, t in CONTACT_VISIBILITY_LABELS.items()])
    languages = SelectMultipleField(_l("Languages spoken"), choices=lambda: list(WORKING_LANGUAGES.items()))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300), web_address])
    intern_capacity = IntegerField(_l("Interns at the same time"), default=1,
                                   validators=[InputRequired(), NumberRange(min=0, max=100)])
    is_cluster_member = BooleanField(_l("Member of the cluster"), default=True)
    submit = SubmitField(_l("Save company"))


translated_fields(CompanyForm, "description", _l("Description"), TextAreaField, max_length=4000)


def _finite(form, field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Enter a thickness in millimetres, e.g. 10."))


class DirectoryFilterForm(SearchFilters):
    """The public directory's search (GET): words and filters; the specialisation's choices come from the view."""

    country = SelectField(_l("Country"), validators=[Optional()],
                          choices=lambda: [("", _l("Both countries")), *COUNTRIES])
    region = SelectField(_l("Region"), validators=[Optional()],
                         choices=lambda: [("", _l("All regions")), *region_choices()])
    kind = SelectField(_l("Kind of member"), validators=[Optional()], choices=lambda: [
        ("", _l("Firms and craftspeople")), *[(k.value, MEMBER_KIND_LABELS[k]) for k in MemberKind]])
    # Not "process": a form has a method of that name.
    capability = SelectField(_l("Process"), validators=[Optional()], choices=lambda: [
        ("", _l("Any process")), *[(p.value, label) for p, label in PROCESS_LABELS.items()]])
    material = SelectField(_l("Material"), validators=[Optional()], choices=lambda: [
        ("", _l("Any material")), *[(m.value, label) for m, label in MATERIAL_LABELS.items()]])
    thickness = FloatField(_l("Thickness at least (mm)"), render_kw={"step": "any"}, validators=[
        Optional(), _finite,
        NumberRange(min=0, max=1000, message=_l("Enter a thickness between 0 and 1000 mm."))])
    language = SelectField(_l("Language spoken"), validators=[Optional()],
                           choices=lambda: [("", _l("Any language")), *WORKING_LANGUAGES.items()])

    def validate_region(self, field) -> None:
        if field.data and self.country.data in Country.__members__ and not region_fits(Country(self.country.data),
                                                                                      field.data):
            raise ValidationError(_l("This region is not in the chosen country."))


# -- the offer catalogue (app/network/catalogue.py) -----------------------------------------------------------------


class CatalogueForm(Form):
    """Which members a printed catalogue holds and in which format (the directory's filters, sent with POST: asking
    for a file writes its request)."""

    specialisation = SelectField(_l("Specialisation"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()],
                          choices=lambda: [("", _l("Both countries")), *COUNTRIES])
    region = SelectField(_l("Region"), validators=[Optional()],
                         choices=lambda: [("", _l("All regions")), *region_choices()])
    # Not "process": that is the form's own method.
    capability = SelectField(_l("Process"), validators=[Optional()],
                             choices=lambda: [("", _l("All processes")),
                                              *[(p.value, t) for p, t in PROCESS_LABELS.items()]])
    kind = SelectField(_l("Kind of member"), validators=[Optional()],
                       choices=lambda: [("", _l("Firms and craftspeople")),
                                        *[(k.value, t) for k, t in MEMBER_KIND_LABELS.items()]])
    file_format = SelectField(_l("Format"), default="pdf",
                         choices=[("pdf", _l("PDF: the printed catalogue")), ("xlsx", _l("XLSX: a spreadsheet"))])
    submit = SubmitField(_l("Prepare the catalogue"))

    def validate_region(self, field) -> None:
        if field.data and self.country.data and not field.data.startswith(f"{self.country.data}-"):
            raise ValidationError(_l("This region is not in the chosen country."))
