"""Signals other domains listen to (the learning domain re-evaluates completion on attendance changes)."""

from blinker import Namespace

_signals = Namespace()

#: Sent after an attendance is recorded or corrected (flushed, not yet committed).
#: Receivers get ``sender=attendance`` and the keyword ``actor``; they must flush, never commit.
attendance_changed = _signals.signal("attendance-changed")
