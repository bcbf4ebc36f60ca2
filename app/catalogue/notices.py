"""What the uploader of a material is told once a worker has checked (and, a video, converted) the file."""

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import register

register("upload.processed", "uploads", _l("Your upload is ready: %(name)s"),
         _l("“%(title)s” can now be seen in the lesson “%(lesson)s”."))
register("upload.refused", "uploads", _l("Your upload was refused: %(name)s"),
         _l("%(reason)s (lesson “%(lesson)s”)"))
register("upload.conversion_failed", "uploads", _l("Your video was not converted: %(name)s"),
         _l("%(reason)s (lesson “%(lesson)s”)"))
