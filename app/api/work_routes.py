"""Placements and their logbook (the intern's and the mentor's sides), and the coordinators' figures."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.api import schemas as s
from app.api.core import (
    PageArgs,
    after_write,
    api_blueprint,
    endpoint,
    fail,
    load_or_problem,
    page_of,
    paged,
)
from app.api.models import TokenScope
from app.api.routes import documented
from app.core.translated import pick
from app.placements import logbook
from app.placements.models import LogbookEntry, Placement
from app.placements.policies import can_manage_placements, can_see_entry, can_see_placement, mentor_company_ids
from app.reporting import measures, services as reporting
from app.reporting.measures import Scope
from app.reporting.policies import can_see_all_figures, can_see_reports, report_course_ids

READ, LEARNING, REPORTING = TokenScope.READ, TokenScope.LEARNING, TokenScope.REPORTING
ERRORS = (401, 403, 404, 429)

placements = api_blueprint("api_placements", "", "Internships and their logbook, for interns and mentors.")
figures = api_blueprint("api_reporting", "", "The project's figures, for coordinators (and trainers: their courses).")


# -- placements ----------------------------------------------------------------------------------------------------
@placements.route("/placements")
@endpoint(READ)
@placements.etag
@placements.arguments(PageArgs, location="query", arg_name="paging")
@placements.response(200, page_of(s.PlacementSchema))
@documented(placements, 401, 403, 429)
def placement_list(paging):
    """The placements the owner sees: their own internships, those they mentor, or all (coordinators)."""
    query = (select(Placement).options(selectinload(Placement.trainee), selectinload(Placement.company))
             .order_by(Placement.starts_on.desc(), Placement.id.desc()))
    if not can_manage_placements(current_user):
        query = query.where(or_(Placement.trainee_id == current_user.id, Placement.mentor_id == current_user.id,
                                Placement.company_id.in_(sorted(mentor_company_ids(current_user)) or [-1])))
    return paged(query, paging)


@placements.route("/placements/<int:placement_id>")
@endpoint(READ)
@placements.etag
@placements.response(200, s.PlacementSchema)
@documented(placements, *ERRORS)
def placement_detail(placement_id: int):
    return load_or_problem(Placement, placement_id, can_see_placement)


@placements.route("/placements/<int:placement_id>/logbook")
@endpoint(READ)
@placements.etag
@placements.arguments(PageArgs, location="query", arg_name="paging")
@placements.response(200, page_of(s.EntrySchema))
@documented(placements, *ERRORS)
def logbook_entries(paging, placement_id: int):
    """The placement's logbook days, in order."""
    placement = load_or_problem(Placement, placement_id, can_see_placement)
    return paged(select(LogbookEntry).where(LogbookEntry.placement_id == placement.id)
                 .order_by(LogbookEntry.day, LogbookEntry.id), paging)


@placements.route("/placements/<int:placement_id>/logbook", methods=["POST"])
@endpoint(LEARNING)
@placements.arguments(s.EntryInSchema)
@placements.response(201, s.EntrySchema)
@documented(placements, *ERRORS, 409, 422)
def add_logbook_entry(body, placement_id: int):
    """The intern records a day (the logbook's own rules: the period, no future days, 0.5–12 hours)."""
    placement = load_or_problem(Placement, placement_id, can_see_placement)
    entry = logbook.save_entry(current_user, placement, body["day"], body["hours"], body["tasks"])
    after_write({"placement": placement.id, "entry": entry.id})
    return entry


@placements.route("/logbook/<int:entry_id>/review", methods=["POST"])
@endpoint(LEARNING)
@placements.arguments(s.ReviewInSchema)
@placements.response(200, s.EntrySchema)
@documented(placements, *ERRORS, 409, 422)
def review_logbook_entry(body, entry_id: int):
    """The mentor confirms a day or returns it with a comment."""
    entry = load_or_problem(LogbookEntry, entry_id, can_see_entry)
    logbook.review_entry(current_user, entry, body["confirm"], body.get("comment"))
    after_write({"entry": entry.id, "confirm": body["confirm"]})
    return entry


# -- reporting -----------------------------------------------------------------------------------------------------
def _scope(args: dict) -> Scope:
    from app.accounts.models import Country, Gender

    start, end = args.get("start"), args.get("end")
    if start and end and end < start:
        fail(422, errors={"end": ["must not be before start"]})
    return Scope(start=start, end=end, specialisation_id=args.get("specialisation"),
                 country=Country(args["country"]) if args.get("country") else None,
                 gender=Gender(args["gender"]) if args.get("gender") else None,
                 course_ids=report_course_ids(current_user))


def _reader() -> None:
    if not can_see_reports(current_user):
        fail(403)


@figures.route("/reporting/indicators")
@endpoint(REPORTING)
@figures.etag
@figures.arguments(s.ScopeArgs, location="query")
@figures.response(200, s.IndicatorsSchema)
@documented(figures, 401, 403, 422, 429)
def indicators(args):
    """The headline figures for the chosen period and filters, and the project's indicators with their targets
    (computed live, as on the dashboard). Coordinators only."""
    if not can_see_all_figures(current_user):
        fail(403)
    scope = _scope(args)
    figures_now = {"trainees_enrolled": measures.trainees_enrolled(scope),
                   "trainees_completed": measures.trainees_completed(scope),
                   "meetings_held": measures.meetings_held(scope), "attendance_rate": measures.attendance_rate(scope),
                   "placements_completed": measures.placements_completed(scope),
                   "certificates_issued": measures.certificates_issued(scope)}
    rows = [{"code": st.indicator.code, "name": pick(st.indicator.name), "measure": st.indicator.measure.value,
             "achieved": st.achieved, "milestone": st.indicator.milestone_value,
             "target": st.indicator.target_value, "target_share": st.target_share}
            for st in reporting.indicator_table()]
    return {"figures": figures_now, "indicators": rows}


@figures.route("/reporting/breakdown")
@endpoint(REPORTING)
@figures.etag
@figures.arguments(s.BreakdownArgs, location="query")
@figures.response(200, s.BreakdownRowSchema(many=True))
@documented(figures, 401, 403, 422, 429)
def breakdown(args):
    """Enrolled, completed, attendance and internships grouped by specialisation, country, company or region
    (trainers: their own courses)."""
    _reader()
    dimension = args["dimension"]
    labels = reporting.group_labels(dimension)
    return [{"key": None if row.key is None else str(row.key), "label": str(labels.get(row.key, row.key or "")),
             "enrolled": row.enrolled, "completed": row.completed, "completion_rate": row.completion_rate,
             "attendance_rate": row.attendance_rate, "placements": row.placements_completed}
            for row in measures.breakdown(_scope(args), dimension)]


@figures.route("/reporting/people")
@endpoint(REPORTING)
@figures.etag
@figures.arguments(s.PeopleArgs, location="query")
@figures.arguments(PageArgs, location="query", arg_name="paging")
@figures.response(200, page_of(s.PersonSchema))
@documented(figures, 401, 403, 422, 429)
def people(args, paging):
    """The people behind a figure, with their course counts (e-mail for coordinators only), paged."""
    _reader()
    personal = can_see_all_figures(current_user)
    page = paged(reporting.people_query(args["figure"], _scope(args)), paging, scalars=False)
    page["items"] = [{"id": row[0], "full_name": row[1], "email": row[2] if personal else None,
                      "country": row[3].value, "company": row[5], "courses": row[6], "completed": row[7]}
                     for row in page["items"]]
    return page
