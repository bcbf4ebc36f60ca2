"""Proposing who goes where: trainee-proposing deferred acceptance (Gale–Shapley).

Each applicant ranks up to three offers; each offer has a number of places and ranks applicants by a fixed,
documented priority:

1. cross-border applicants first (the programme exists to send people across the border),
2. then earlier applications,
3. then the lower user number (a stable tie-break, so the same input always gives the same proposal).

Applicants propose to their next choice; an offer tentatively keeps its best applicants up to its places and
rejects the rest, who propose to their next choice; this repeats until nobody can propose. The result is stable
(no applicant and offer would both rather be matched to each other) and best for applicants among stable matchings.
Offers that are closed, or full because of placements already made, count with their remaining places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    application_id: int
    user_id: int
    country: str
    applied_at: datetime
    choices: tuple[int, ...]  # offer ids, best first


@dataclass(frozen=True)
class Seat:
    offer_id: int
    country: str
    places: int


def priority(candidate: Candidate, seat: Seat) -> tuple:
    return (candidate.country == seat.country, candidate.applied_at, candidate.user_id)


def propose(candidates: list[Candidate], seats: list[Seat]) -> dict[int, int | None]:
    """application id -> offer id (None when no choice could be satisfied)."""
    seat_of = {seat.offer_id: seat for seat in seats}
    next_choice = {c.application_id: 0 for c in candidates}
    held: dict[int, list[Candidate]] = {seat.offer_id: [] for seat in seats}
    free = sorted(candidates, key=lambda c: (c.applied_at, c.user_id))
    while free:
        candidate = free.pop(0)
        choices = [o for o in candidate.choices if o in seat_of and seat_of[o].places > 0]
        index = next_choice[candidate.application_id]
        if index >= len(choices):
            continue  # no choice left: unmatched
        offer_id = choices[index]
        next_choice[candidate.application_id] = index + 1
        seat = seat_of[offer_id]
        keep = sorted([*held[offer_id], candidate], key=lambda c: priority(c, seat))
        held[offer_id], rejected = keep[: seat.places], keep[seat.places:]
        # Rejected applicants try their next choice; the queue stays ordered by application time.
        free = sorted([*free, *rejected], key=lambda c: (c.applied_at, c.user_id))
    result: dict[int, int | None] = {c.application_id: None for c in candidates}
    for offer_id, kept in held.items():
        for candidate in kept:
            result[candidate.application_id] = offer_id
    return result
