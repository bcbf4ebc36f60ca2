"""What holders are told about their certificates (category "certificates"); nobody else is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import register

register("certificate.issued", "certificates", _l("Your certificate is ready: %(title)s"),
         _l("Certificate %(code)s. Download it as a PDF or share its verification page."))
register("certificate.revoked", "certificates", _l("Your certificate was revoked: %(title)s"),
         _l("Certificate %(code)s is no longer valid. Reason: %(reason)s"))
register("certificate.withdrawn", "certificates", _l("Your certificate was withdrawn: %(title)s"),
         _l("Certificate %(code)s is no longer valid: the course's completion requirements are no longer met. "
            "A new certificate is issued when they are met again."))
