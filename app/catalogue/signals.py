"""Signals other domains listen to."""

from blinker import Namespace

_signals = Namespace()

#: A logged-in person opened a lesson page (sender: the lesson; keyword: user). Receivers flush, never commit.
lesson_viewed = _signals.signal("lesson-viewed")
