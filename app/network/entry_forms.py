"""Forms of members' own entries: the entry itself (rows of capabilities, machines, certifications and products as
fixed lists of sub-forms: no script needed, "More rows" posts back), the moderation decision, inviting a contact
person, and joining the directory."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.forms import EMAIL_VALIDATORS, ConsentMixin, NewPasswordMixin, ProfileFieldsMixin
from app.catalogue.forms import translated_fields
from app.core.forms import Form, web_address
from app.core.i18n import LANGUAGE_NAMES
from app.network.entries import MAX_ROWS
from app.network.forms import COUNTRIES
from app.network.models import ContactVisibility, Material, MemberKind, Process, ProductKind
from app.network.regions import region_choices
from app.network.vocabulary import (
    CONTACT_VISIBILITY_LABELS,
    MATERIAL_LABELS,
    MEMBER_KIND_LABELS,
    PROCESS_LABELS,
    PRODUCT_KIND_LABELS,
    WORKING_LANGUAGES,
)

MM = [Optional(), NumberRange(min=0.01, max=999_999, message=_l("Enter a number of millimetres above zero."))]


class CheckboxesField(SelectMultipleField):
    """Several choices as tick boxes (a multiple select is hard to use on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _Row(Form):
    class Meta:
        csrf = False


class CapabilityForm(_Row):
    process_code = SelectField(_l("Process"), validators=[Optional()],
                          choices=lambda: [("", _l("— none —")), *((p.value, PROCESS_LABELS[p]) for p in Process)])
    materials = CheckboxesField(_l("Materials"), choices=lambda: [(m.value, MATERIAL_LABELS[m]) for m in Material])
    max_thickness_mm = FloatField(_l("Largest thickness (mm)"), validators=MM)
    max_length_mm = FloatField(_l("Largest length (mm)"), validators=MM)
    max_width_mm = FloatField(_l("Largest width (mm)"), validators=MM)


translated_fields(CapabilityForm, "note", _l("Note (tolerances, batch sizes)"), max_length=300)


class MachineForm(_Row):
    machine_type = StringField(_l("Machine"), validators=[Optional(), Length(max=200)])
    make_model = StringField(_l("Make and model"), validators=[Optional(), Length(max=200)])
    working_area = StringField(_l("Working area"), validators=[Optional(), Length(max=100)])
    count = IntegerField(_l("How many"), default=1, validators=[
        Optional(), NumberRange(min=1, max=1000, message=_l("Between 1 and 1000."))])
    process_code = SelectField(_l("Process"), validators=[Optional()],
                          choices=lambda: [("", _l("— none —")), *((p.value, PROCESS_LABELS[p]) for p in Process)])


class CertificationForm(_Row):
    standard = StringField(_l("Standard (e.g. EN ISO 3834-2)"), validators=[Optional(), Length(max=100)])
    issuer = StringField(_l("Issued by"), validators=[Optional(), Length(max=200)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])


class ProductForm(_Row):
    #: The product's id once approved (empty for a new one); its current photos' ids, comma-separated.
    product_id = HiddenField()
    photo_ids = HiddenField()
    kind = SelectField(_l("Product or service"), default=ProductKind.PRODUCT.value,
                       choices=lambda: [(k.value, PRODUCT_KIND_LABELS[k]) for k in ProductKind])
    photo = FileField(_l("Add a photo (JPEG, PNG or WebP, at most 10 MB)"))
    remove_photos = CheckboxesField(_l("Remove photos"), validate_choice=False, coerce=str)
    remove = BooleanField(_l("Remove this product or service"))


translated_fields(ProductForm, "name", _l("Name"), max_length=200)
translated_fields(ProductForm, "description", _l("Description"), TextAreaField, max_length=2000)


class EntryForm(Form):
    kind = SelectField(_l("Kind of member"), choices=lambda: [(k.value, MEMBER_KIND_LABELS[k]) for k in MemberKind])
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Please enter the member's name.")),
                                               Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(message=_l("Please enter the city.")), Length(max=100)])
    region = SelectField(_l("Region"), validators=[Optional()],
                         choices=lambda: [("", _l("Not given")), *region_choices()])
    district = StringField(_l("County or municipality"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300), web_address])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[
        Optional(), Email(message=_l("This is not a valid e-mail address."), check_deliverability=False)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=50)])
    contact_visibility = SelectField(_l("Who sees the contact details"), default=ContactVisibility.MEMBERS.value,
                                     choices=lambda: [(v.value, t) for v, t in CONTACT_VISIBILITY_LABELS.items()])
    languages = CheckboxesField(_l("Languages spoken"), choices=lambda: list(WORKING_LANGUAGES.items()))
    capabilities = FieldList(FormField(CapabilityForm), max_entries=MAX_ROWS + 5)
    machines = FieldList(FormField(MachineForm), max_entries=MAX_ROWS + 5)
    certifications = FieldList(FormField(CertificationForm), max_entries=MAX_ROWS + 5)
    products = FieldList(FormField(ProductForm), max_entries=MAX_ROWS + 5)
    logo_id = HiddenField()
    logo = FileField(_l("Logo (JPEG, PNG or WebP, at most 10 MB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    more = SubmitField(_l("More rows"))
    submit = SubmitField(_l("Send for approval"))


translated_fields(EntryForm, "description", _l("Description"), TextAreaField, max_length=4000)


class DecisionForm(Form):
    reason = TextAreaField(_l("Reason (shown to the member when you reject)"),
                           validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class ContactForm(Form):
    email = EmailField(_l("Contact person's e-mail"), validators=[
        DataRequired(message=_l("Please enter the e-mail address.")),
        Email(message=_l("This is not a valid e-mail address."), check_deliverability=False)])
    full_name = StringField(_l("Full name (to invite someone who has no account yet)"),
                            validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the invitation"), choices=lambda: list(LANGUAGE_NAMES.items()),
                           default="en")
    submit = SubmitField(_l("Make contact person"))


class JoinForm(ProfileFieldsMixin, NewPasswordMixin, ConsentMixin, Form):
    email = EmailField(_l("E-mail"), validators=EMAIL_VALIDATORS, render_kw={"autocomplete": "email"})
    member_kind = SelectField(_l("I register as"), default=MemberKind.CRAFTSPERSON.value,
                              choices=lambda: [(k.value, MEMBER_KIND_LABELS[k]) for k in MemberKind])
    member_name = StringField(_l("Name of the firm or workshop (or your own name)"), validators=[
        DataRequired(message=_l("Please enter the member's name.")), Length(max=200)])
    member_country = SelectField(_l("Country of the firm or workshop"), choices=COUNTRIES)
    member_city = StringField(_l("City"), validators=[DataRequired(message=_l("Please enter the city.")),
                                                      Length(max=100)])
    registration_number = StringField(_l("Registration number (NIP in Poland, company code in Lithuania)"),
                                      validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Register"))
