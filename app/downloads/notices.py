"""What people are told about their generated files."""

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import register

register("export.ready", "exports", _l("Your download is ready: %(name)s"),
         _l("It is kept for you until %(expires_at)s."))
