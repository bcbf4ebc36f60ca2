"""The cooperation figures ("efficiency measurement in the cooperation chain"), per requester's country, process or
period (the month the request was opened):

- posted: requests opened; answered: with at least one offer; matched: an offer accepted; completed: delivered or
  closed;
- median response time: hours from opening to the first offer, over answered requests;
- cross-border share: of matched requests, those whose accepted offerer is in another country than the requester;
- value: the sum of accepted prices, per currency (never converted);
- satisfaction: the mean of all ratings given.

A request's "specialisation" is its process (``network.Process``); a specialisation of the catalogue (``cnc``,
``welding``, ``laser``, ``logistics``) covers the processes named after it (``processes_of``). Every count is by the
request's opening: a request opened in the period counts with everything that happened to it since.

Computed in Python over the (small) set of requests: a cluster posts hundreds a year, not millions, in a fixed
number of queries (requests, their offers, the members of both sides, the ratings). The reporting engine
(``app.reporting.measures``) takes its cooperation measures from ``compute`` too: one rule, two places."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Country
from app.cooperation.models import Currency, OfferStatus, RequestOffer, RequestRating, RequestStatus, ServiceRequest
from app.core.exports import Column, export_response
from app.extensions import db
from app.network.models import Company, Process
from app.network.vocabulary import PROCESS_LABELS

GROUPINGS = {"country": _l("Country"), "process": _l("Process"), "period": _l("Month")}


@dataclass
class Figures:
    key: str
    posted: int = 0
    answered: int = 0
    matched: int = 0
    completed: int = 0
    cross_border: int = 0
    response_hours: list[float] = field(default_factory=list)
    value: dict[str, Decimal] = field(default_factory=dict)
    scores: list[int] = field(default_factory=list)

    @property
    def median_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 1) if self.response_hours else None

    @property
    def cross_border_share(self) -> float | None:
        return self.cross_border / self.matched if self.matched else None

    @property
    def satisfaction(self) -> float | None:
        return round(statistics.fmean(self.scores), 2) if self.scores else None


@dataclass(frozen=True)
class Filter:
    """Which requests count. Empty fields mean "all"."""

    start: date | None = None  # opened on or after (a UTC day)
    end: date | None = None  # opened on or before (a UTC day)
    country: Country | None = None  # the requester's country
    processes: frozenset[Process] | None = None
    company_id: int | None = None  # the requester
    region: str | None = None  # the requester's region

    def conditions(self) -> list:
        conditions = []
        if self.start:
            conditions.append(ServiceRequest.opened_at >= datetime.combine(self.start, time.min, UTC))
        if self.end:
            conditions.append(ServiceRequest.opened_at < datetime.combine(self.end + timedelta(days=1), time.min,
                                                                          UTC))
        if self.processes is not None:
            conditions.append(ServiceRequest.process.in_(sorted(self.processes) or ["-"]))
        if self.company_id is not None:
            conditions.append(ServiceRequest.company_id == self.company_id)
        if self.country or self.region:
            requester = select(Company.id)
            if self.country:
                requester = requester.where(Company.country == self.country)
            if self.region:
                requester = requester.where(Company.region == self.region)
            conditions.append(ServiceRequest.company_id.in_(requester))
        return conditions


def processes_of(specialisation_code: str) -> frozenset[Process]:
    """The processes a catalogue specialisation covers: those named after it (``cnc`` → CNC milling, turning and
    programming; ``welding`` → MIG/MAG and TIG; ``laser`` → laser cutting; ``logistics`` → logistics)."""
    code = specialisation_code.lower()
    return frozenset(p for p in Process if p.value == code or p.value.startswith(f"{code}_"))


def _key(request: ServiceRequest, by: str) -> str:
    if by == "process":
        return request.process.value
    if by == "period":
        return request.opened_at.strftime("%Y-%m")
    return request.company.country.value


def compute(by: str = "country", where: Filter | None = None) -> list[Figures]:
    """One row per group, sorted by key, and a total row (key "") last. Five queries, whatever the data."""
    conditions = (where or Filter()).conditions()
    requests = db.session.scalars(select(ServiceRequest).where(*conditions).options(
        selectinload(ServiceRequest.offers).selectinload(RequestOffer.company),
        selectinload(ServiceRequest.company))).all()
    scores: dict[int, list[int]] = {}
    for request_id, score in db.session.execute(select(RequestRating.request_id, RequestRating.score).where(
            RequestRating.request_id.in_(select(ServiceRequest.id).where(*conditions)))):
        scores.setdefault(request_id, []).append(score)
    groups: dict[str, Figures] = {}
    total = Figures("")
    for request in requests:
        for figures in (groups.setdefault(_key(request, by), Figures(_key(request, by))), total):
            _add(figures, request, scores.get(request.id, []))
    return [groups[key] for key in sorted(groups)] + [total]


def _add(figures: Figures, request: ServiceRequest, scores: list[int]) -> None:
    figures.posted += 1
    offers = request.offers
    if offers:
        figures.answered += 1
        first = min(o.created_at for o in offers)
        figures.response_hours.append((first - request.opened_at).total_seconds() / 3600)
    accepted = next((o for o in offers if o.status == OfferStatus.ACCEPTED), None)
    if accepted is not None:
        figures.matched += 1
        if accepted.company.country != request.company.country:
            figures.cross_border += 1
        if accepted.price is not None:
            figures.value[accepted.currency.value] = figures.value.get(accepted.currency.value, Decimal(0)) \
                + Decimal(accepted.price)
    if request.status in (RequestStatus.DELIVERED, RequestStatus.CLOSED):
        figures.completed += 1
    figures.scores.extend(scores)


def label(key: str, by: str) -> str:
    from app.core.i18n import COUNTRY_LABELS

    if key == "":
        return _("All")
    if by == "process":
        return str(PROCESS_LABELS.get(key, key))
    if by == "country":
        return str(COUNTRY_LABELS.get(key, key))
    return key


def export(rows: list[Figures], by: str, fmt: str):
    columns = [Column("group", str(GROUPINGS[by])), Column("posted", _("Posted"), "int"),
               Column("answered", _("Answered"), "int"), Column("matched", _("Matched"), "int"),
               Column("completed", _("Completed orders"), "int"),
               Column("response", _("Median response time (hours)"), "float"),
               Column("cross_border", _("Cross-border share"), "percent"),
               *[Column(f"value_{c.value}", _("Value (%(currency)s)", currency=c.value), "float") for c in Currency],
               Column("satisfaction", _("Satisfaction (1–5)"), "float")]
    data = [(label(f.key, by), f.posted, f.answered, f.matched, f.completed, f.median_response_hours,
             f.cross_border_share, *[float(f.value[c.value]) if c.value in f.value else None for c in Currency],
             f.satisfaction) for f in rows]
    return export_response(fmt, f"cooperation-figures-{by}", columns, data, title=_("Cooperation figures"))
