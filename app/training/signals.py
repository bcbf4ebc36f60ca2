"""Signals other domains listen to (the learning domain re-evaluates completion on attendance and meeting changes)."""

from blinker import Namespace

_signals = Namespace()

#: Sent after an attendance is recorded or corrected (flushed, not yet committed).
#: Receivers get ``sender=attendance`` and the keyword ``actor``; they must flush, never commit.
attendance_changed = _signals.signal("attendance-changed")

#: Sent after a meeting was moved or cancelled (flushed, not yet committed): completion waits for a course's last
#: meeting, so its participants are evaluated again. Receivers get ``sender=course`` and the keywords ``actor`` and
#: ``cause``; they must flush, never commit.
meetings_changed = _signals.signal("meetings-changed")
