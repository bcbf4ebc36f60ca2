"""Video progress from the player's beacons, so that only what was really played counts.

Each beacon reports the segment [start, end] played since the previous one, the position, the sequence number
and the duration. The server keeps the union of watched intervals per person and video and credits a beacon only
with what is plausible:

* the interval is clipped to [0, duration], where the duration is the one measured when the trainer uploaded the
  file (trusted); when unknown, the first reported duration is kept and never changed by later beacons;
* new coverage is capped per viewing session: a session starts when the server served the lesson page (or, without
  a page view, at the first beacon), and may earn at most the wall-clock time since then times the fastest
  playback rate (2×) plus, once, a small slack — a forged beacon claiming 30 minutes five seconds after the page was
  opened earns seconds, and reloading the page starts a new session that again earns only real time;
* the union makes beacons idempotent (the same beacon twice adds nothing) and order-independent (a late beacon
  about an earlier segment is credited like any other).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.catalogue.models import Material
from app.core.db import utcnow
from app.extensions import db
from app.learning.models import VideoProgress

MAX_PLAYBACK_RATE = 2.0
SLACK_SECONDS = 10.0


def merge(intervals: list[list[float]]) -> list[list[float]]:
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 0.5:  # tiny gaps between beacons are the same viewing
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def covered(intervals: list[list[float]]) -> float:
    return sum(end - start for start, end in intervals)


def _add_capped(intervals: list[list[float]], start: float, end: float, budget: float) -> list[list[float]]:
    """Add [start, end] but credit at most ``budget`` seconds of new coverage (taken from the start)."""
    if budget <= 0 or end <= start:
        return intervals
    base = covered(merge(intervals))
    low, high = start, end
    if covered(merge([*intervals, [start, end]])) - base <= budget:
        return merge([*intervals, [start, end]])
    for _ in range(30):  # binary search the largest end that fits the budget
        middle = (low + high) / 2
        if covered(merge([*intervals, [start, middle]])) - base <= budget:
            low = middle
        else:
            high = middle
    return merge([*intervals, [start, low]])


def progress_for(user_id: int, material_id: int) -> VideoProgress | None:
    return db.session.scalar(select(VideoProgress).where(VideoProgress.user_id == user_id,
                                                         VideoProgress.material_id == material_id))


def record_beacon(user_id: int, material: Material, start: float, end: float, position: float, duration: float,
                  sequence: int, now: datetime | None = None, opened_at: datetime | None = None) -> VideoProgress:
    """Credit one beacon (flushes). ``opened_at``: when the server last served the lesson page to this person."""
    now = now or utcnow()
    progress = progress_for(user_id, material.id)
    if progress is None:
        progress = VideoProgress(user_id=user_id, material_id=material.id, watched=[], watched_seconds=0.0,
                                 first_beacon_at=now, last_sequence=0, last_position=0.0, session_credited=0.0)
        db.session.add(progress)
    if material.duration_seconds is None and duration and 0 < duration < 24 * 3600:
        material.duration_seconds = float(duration)  # first report wins; later beacons cannot shrink it
    limit = material.duration_seconds or 0.0
    start, end = max(0.0, float(start)), min(float(end), limit)
    anchor = opened_at if opened_at is not None and opened_at <= now else None
    if progress.session_started_at is None or (anchor is not None and anchor > progress.session_started_at):
        progress.session_started_at, progress.session_credited = anchor or now, 0.0
    elapsed = (now - progress.session_started_at).total_seconds()
    # The slack (for clocks and the first beacon's delay) is granted once, so reloading cannot multiply it.
    slack = SLACK_SECONDS if progress.session_started_at < progress.first_beacon_at else 0.0
    budget = elapsed * MAX_PLAYBACK_RATE + slack - (progress.session_credited or 0.0)
    if end > start:
        before = covered(progress.watched)
        progress.watched = _add_capped([list(i) for i in progress.watched], start, end, budget)
        progress.watched_seconds = round(covered(progress.watched), 3)
        progress.session_credited = (progress.session_credited or 0.0) + progress.watched_seconds - before
    if 0 <= position <= limit:
        progress.last_position = float(position)
    progress.last_beacon_at = now
    progress.last_sequence = max(progress.last_sequence, int(sequence))
    db.session.flush()
    return progress


def watched_share(progress: VideoProgress | None, material: Material) -> float:
    if progress is None or not material.duration_seconds:
        return 0.0
    return min(1.0, progress.watched_seconds / material.duration_seconds)
