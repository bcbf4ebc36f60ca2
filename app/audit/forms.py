from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.core.forms import Form


class AuditSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    action = StringField(_l("Action (or its beginning, e.g. auth.)"), validators=[Optional(), Length(max=64)])
    actor_id = IntegerField(_l("Actor (user number)"), validators=[Optional(), NumberRange(min=1)])
    object_type = StringField(_l("Object type (e.g. users, enrolments)"), validators=[Optional(), Length(max=64)])
    object_id = StringField(_l("Object number"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("Until (date, inclusive)"), validators=[Optional()])
