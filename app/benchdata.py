"""`flask bench-data`: a large, realistic, reproducible dataset for `make bench` (bench/run.py).

10,000 trainees in both countries, 200 trainers, 100 firms' mentors, 40 courses with modules, lessons and materials
(small placeholder objects in the configured storage), 400 meetings, ~180,000 attendance records, 50,000
lesson-progress rows, quiz attempts, 300 companies, 600 placements with logbooks, and the demo indicators. Rows
go in with bulk INSERTs in chunks (minutes, not hours, on SQLite and PostgreSQL); the random generator is seeded,
so two runs make the same data. A site setting marks the dataset, so a second run does nothing.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from app.accounts.models import Country, Gender, User
from app.accounts.passwords import hash_password
from app.catalogue.models import (
    Course,
    CourseStatus,
    EnrolmentPolicy,
    Lesson,
    Material,
    MaterialKind,
    Module,
    Specialisation,
    course_trainers,
)
from app.core.models import SiteSetting
from app.core.permissions import Role
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.extensions import db
from app.learning.models import LessonProgress, ProgressSource, Question, QuestionType, Quiz, QuizAttempt
from app.network.models import Company, CompanyMember, company_specialisations
from app.placements.models import EntryStatus, LogbookEntry, Placement, PlacementStatus
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus, TrainingSession

MARKER = "bench_dataset"
VERSION = 1
SEED = 2026
TRAINEES, STAFF, COURSES, MEETINGS_PER_COURSE = 10_000, 200, 40, 10
LESSON_PROGRESS, QUIZ_ATTEMPTS, COMPANIES, PLACEMENTS = 50_000, 20_000, 300, 600
ROSTER_SIZE = 30  # the trainer's roster journey: a meeting of 30
PASSWORDS = {"trainee": "bench-trainee-2026", "trainer": "bench-trainer-2026", "mentor": "bench-mentor-2026",
             "coordinator": "bench-coordinator-2026"}
SPECIALISATIONS = {
    "cnc": {"pl": "Technolog-operator CNC", "lt": "CNC technologas-operatorius", "en": "CNC technologist-operator"},
    "welding": {"pl": "Spawacz MIG/MAG, TIG", "lt": "MIG/MAG ir TIG suvirintojas", "en": "MIG/MAG and TIG welder"},
    "laser": {"pl": "Operator wycinarek laserowych", "lt": "Lazerinio pjovimo operatorius",
              "en": "Laser cutting machine operator"},
    "logistics": {"pl": "Logistyka – zarządzanie produkcją", "lt": "Logistika – gamybos valdymas",
                  "en": "Logistics – production management"},
}
FIRST_NAMES = {Country.PL: ["Łukasz", "Paweł", "Krzysztof", "Agnieszka", "Małgorzata", "Zbigniew", "Żaneta"],
               Country.LT: ["Jonas", "Gražina", "Vytautas", "Rūta", "Darius", "Aušra", "Žilvinas"]}
LAST_NAMES = {Country.PL: ["Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Żółkiewski", "Dąbrowska"],
              Country.LT: ["Kazlauskas", "Petrauskas", "Šimkutė", "Jankauskas", "Žukauskas", "Vaitkus"]}
CHUNK = 5_000


def _insert(model_or_table, rows: list[dict], returning=None) -> list[int]:
    """Bulk insert in chunks; with ``returning`` the new ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        if returning is not None:
            ids += db.session.scalars(insert(model_or_table).returning(returning, sort_by_parameter_order=True),
                                      chunk).all()
        else:
            db.session.execute(insert(model_or_table), chunk)
    return ids


def _nip(rng: random.Random) -> str:
    from stdnum.pl import nip

    while True:
        number = str(rng.randrange(1_000_000_000, 9_999_999_999))
        if nip.is_valid(number):
            return number


def generate(media_objects: bool = True) -> dict:
    rng = random.Random(SEED)  # noqa: S311  (reproducible test data, not secrets)
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()

    # -- specialisations and people ------------------------------------------------------------------------------
    specs = {s.code: s.id for s in db.session.scalars(select(Specialisation))}
    for position, (code, title) in enumerate(SPECIALISATIONS.items()):
        if code not in specs:
            specs[code] = _insert(Specialisation, [{"code": code, "position": position, "title": title,
                                                    "description": {}}], Specialisation.id)[0]
    hashes = {role: hash_password(password) for role, password in PASSWORDS.items()}

    def person(n: int, role: Role, country: Country) -> dict:
        first, last = rng.choice(FIRST_NAMES[country]), rng.choice(LAST_NAMES[country])
        return {"email": f"{role.value}{n}@bench.example.com", "full_name": f"{first} {last} {n}", "role": role,
                "country": country, "language": "pl" if country == Country.PL else "lt",
                "timezone": "Europe/Warsaw" if country == Country.PL else "Europe/Vilnius",
                "company_name": f"{'Zakład' if country == Country.PL else 'UAB'} {last} {n % 150}",
                "gender": rng.choice([Gender.FEMALE, Gender.MALE, None]), "is_active": True,
                "password_hash": hashes[role.value if role.value in hashes else "trainer"], "created_at": now}

    trainee_ids = _insert(User, [person(n, Role.TRAINEE, Country.PL if n % 2 else Country.LT)
                                 for n in range(TRAINEES)], User.id)
    staff_ids = _insert(User, [person(n, Role.TRAINER, Country.PL if n % 2 else Country.LT)
                               for n in range(STAFF)], User.id)
    coordinator = {**person(0, Role.COORDINATOR, Country.PL), "password_hash": hashes["coordinator"]}
    _insert(User, [coordinator])
    # The firms' mentors: MENTOR accounts of their own (trainers teach; mentors only look after interns).
    mentors = _insert(User, [person(n, Role.MENTOR, Country.PL if n % 2 else Country.LT)
                             for n in range(STAFF // 2)], User.id)

    # -- courses, lessons, materials, quizzes -------------------------------------------------------------------
    codes = list(SPECIALISATIONS)
    course_ids = _insert(Course, [{
        "key": f"bench-course-{n}", "specialisation_id": specs[codes[n % 4]], "source_language": "pl",
        "title": {"pl": f"Kurs {n}: {SPECIALISATIONS[codes[n % 4]]['pl']}",
                  "lt": f"Kursas {n}: {SPECIALISATIONS[codes[n % 4]]['lt']}",
                  "en": f"Course {n}: {SPECIALISATIONS[codes[n % 4]]['en']}"},
        "summary": {"pl": "Szkolenie praktyczne w firmach klastra.", "en": "Hands-on training in cluster firms."},
        "description": {}, "hours": 24, "status": CourseStatus.PUBLISHED, "enrolment_policy": EnrolmentPolicy.OPEN,
        "starts_on": today - timedelta(days=60), "ends_on": today + timedelta(days=60 + n),
        "published_at": now, "created_at": now, "updated_at": now,
        "completion_rule": {"lessons": "all", "quizzes": "all", "min_attendance_percent": 80}}
        for n in range(COURSES)], Course.id)
    db.session.execute(insert(course_trainers), [{"course_id": c, "user_id": staff_ids[i % STAFF]}
                                                 for i, c in enumerate(course_ids)])
    module_ids = _insert(Module, [{"course_id": c, "key": f"m{m}", "position": m,
                                   "title": {"pl": f"Moduł {m + 1}", "en": f"Module {m + 1}"}, "description": {}}
                                  for c in course_ids for m in range(3)], Module.id)
    lessons_by_course: dict[int, list[int]] = {c: [] for c in course_ids}
    lesson_rows = []
    for index, module_id in enumerate(module_ids):
        course_id = course_ids[index // 3]
        for position in range(4):
            lesson_rows.append({"course_id": course_id, "module_id": module_id, "key": f"m{index % 3}-l{position}",
                                "position": position, "duration_minutes": 20,
                                "title": {"pl": f"Lekcja {position + 1}", "en": f"Lesson {position + 1}"},
                                "body": {"pl": "## Bezpieczeństwo\n\nTreść lekcji z **parametrami** procesu.\n" * 8,
                                         "en": "## Safety\n\nLesson text with process **parameters**.\n" * 8}})
    for row, lesson_id in zip(lesson_rows, _insert(Lesson, lesson_rows, Lesson.id), strict=True):
        lessons_by_course[row["course_id"]].append(lesson_id)
    material_rows = []
    storage = None
    if media_objects:
        from app.storage import generate_key, get_storage

        storage = get_storage()
    placeholder = b"%PDF-1.4\n% MCC bench placeholder\n%%EOF\n"
    for lesson_ids in lessons_by_course.values():
        for lesson_id in lesson_ids:
            key = generate_key("materials") if storage else f"materials/bench-{lesson_id}"
            stored = None
            if storage:
                import io

                stored = storage.save(key, io.BytesIO(placeholder), "application/pdf")
            material_rows.append({
                "lesson_id": lesson_id, "key": f"pdf-{lesson_id}", "kind": MaterialKind.DOCUMENT, "position": 0,
                "title": {"pl": "Karta technologiczna", "en": "Process sheet"},
                "storage_backend": storage.name if storage else "local", "storage_key": key,
                "original_filename": "karta-technologiczna.pdf", "size": len(placeholder),
                "content_type": "application/pdf", "sha256": stored.sha256 if stored else "0" * 64,
                "created_at": now, "updated_at": now})
    material_ids = _insert(Material, material_rows, Material.id)
    quiz_ids = _insert(Quiz, [{"course_id": c, "key": "final", "lesson_id": lessons_by_course[c][-1],
                               "title": {"pl": "Test końcowy", "en": "Final quiz"}, "pass_mark": 70,
                               "created_at": now, "updated_at": now} for c in course_ids], Quiz.id)
    _insert(Question, [{"course_id": c, "quiz_id": q, "key": "q1", "type": QuestionType.TRUE_FALSE,
                        "text": {"pl": "Okulary ochronne są obowiązkowe.", "en": "Safety glasses are mandatory."},
                        "points": 1.0, "data": {"correct": True}, "position": 0}
                       for c, q in zip(course_ids, quiz_ids, strict=True)])

    # -- enrolments: two courses per trainee; course 0 is the roster course with exactly 30 people ------------
    roster_course, others = course_ids[0], course_ids[1:]
    enrolled: list[tuple[int, int]] = []
    for index, user_id in enumerate(trainee_ids):
        if index < ROSTER_SIZE:
            enrolled.append((user_id, roster_course))
            continue
        first, second = rng.sample(others, 2)
        enrolled += [(user_id, first), (user_id, second)]
    enrolment_rows = [{"user_id": u, "course_id": c, "status": EnrolmentStatus.ENROLLED,
                       "status_changed_at": now - timedelta(days=50), "created_at": now - timedelta(days=50),
                       "completed_at": now - timedelta(days=rng.randrange(1, 20)) if rng.random() < 0.25 else None}
                      for u, c in enrolled]
    enrolment_ids = _insert(Enrolment, enrolment_rows, Enrolment.id)
    # Each with the history a real one has: meetings count for people enrolled by their start.
    _insert(EnrolmentEvent, [{"enrolment_id": e, "to_status": EnrolmentStatus.ENROLLED, "source": "bench",
                              "created_at": now - timedelta(days=50)} for e in enrolment_ids])

    # -- meetings and attendance ------------------------------------------------------------------------------
    meeting_rows = []
    for index, course_id in enumerate(course_ids):
        for m in range(MEETINGS_PER_COURSE):
            starts = now - timedelta(days=45 - m * 5, hours=index % 5)
            meeting_rows.append({"course_id": course_id, "title": {"pl": f"Spotkanie warsztatowe {m + 1}",
                                                                   "lt": f"Praktinis užsiėmimas {m + 1}"},
                                 "starts_at": starts, "ends_at": starts + timedelta(hours=3),
                                 "timezone": "Europe/Warsaw", "venue_company": "Metal-Tech Suwałki",
                                 "venue_country": Country.PL, "trainer_id": staff_ids[index % STAFF],
                                 "language": "pl", "checkin_secret": f"{rng.getrandbits(128):032x}",
                                 "created_at": now, "updated_at": now})
    meeting_ids = _insert(TrainingSession, meeting_rows, TrainingSession.id)
    held = {c: [] for c in course_ids}
    for row, meeting_id in zip(meeting_rows, meeting_ids, strict=True):
        if row["starts_at"] <= now:
            held[row["course_id"]].append(meeting_id)
    statuses = [AttendanceStatus.PRESENT] * 14 + [AttendanceStatus.LATE] * 2 + [AttendanceStatus.EXCUSED] + \
        [AttendanceStatus.ABSENT] * 3
    attendance_rows = [{"session_id": m, "user_id": u, "status": rng.choice(statuses),
                        "method": AttendanceMethod.ROSTER, "recorded_at": now}
                       for u, c in enrolled for m in held[c] if c != roster_course or m != held[c][-1]]
    _insert(Attendance, attendance_rows)

    # -- lesson progress and quiz attempts ----------------------------------------------------------------------
    progress: set[tuple[int, int]] = set()
    progress_rows = []
    while len(progress_rows) < LESSON_PROGRESS:
        user_id, course_id = rng.choice(enrolled)
        lesson_id = rng.choice(lessons_by_course[course_id])
        if (user_id, lesson_id) in progress:
            continue
        progress.add((user_id, lesson_id))
        opened = now - timedelta(days=rng.randrange(0, 40))
        progress_rows.append({"user_id": user_id, "lesson_id": lesson_id, "course_id": course_id,
                              "first_opened_at": opened, "last_opened_at": opened,
                              "completed_at": opened if rng.random() < 0.7 else None,
                              "completed_via": ProgressSource.READ})
    _insert(LessonProgress, progress_rows)
    quiz_of = dict(zip(course_ids, quiz_ids, strict=True))
    attempt_rows = []
    for _ in range(QUIZ_ATTEMPTS):
        user_id, course_id = rng.choice(enrolled)
        score = rng.choice([0.0, 1.0, 1.0])
        started = now - timedelta(days=rng.randrange(0, 30))
        attempt_rows.append({"quiz_id": quiz_of[course_id], "user_id": user_id, "started_at": started,
                             "submitted_at": started + timedelta(minutes=5), "snapshot": [], "answers": {},
                             "results": [], "score": score, "max_score": 1.0, "percent": score * 100,
                             "passed": score == 1.0, "expired": False})
    _insert(QuizAttempt, attempt_rows)

    # -- companies, mentors, placements with logbooks ----------------------------------------------------------
    company_rows = []
    for n in range(COMPANIES):
        country = Country.PL if n % 2 else Country.LT
        company_rows.append({"name": f"{'Zakład Obróbki' if country == Country.PL else 'UAB Metalas'} {n}",
                             "country": country, "city": "Suwałki" if country == Country.PL else "Alytus",
                             "registration_number": _nip(rng) if country == Country.PL else f"{300_000_000 + n}",
                             "description": {"pl": "Firma klastra."}, "intern_capacity": 3,
                             "is_cluster_member": True, "is_active": True, "created_at": now, "updated_at": now})
    company_ids = _insert(Company, company_rows, Company.id)
    db.session.execute(insert(company_specialisations), [
        {"company_id": c, "specialisation_id": specs[codes[i % 4]]} for i, c in enumerate(company_ids)])
    _insert(CompanyMember, [{"company_id": company_ids[i], "user_id": m, "is_mentor": True, "created_at": now,
                             "updated_at": now} for i, m in enumerate(mentors)])
    course_spec = {c: specs[codes[i % 4]] for i, c in enumerate(course_ids)}
    placement_rows, placed = [], set()
    for n in range(PLACEMENTS):
        user_id, course_id = enrolled[(n * 31) % len(enrolled)]
        if user_id in placed:
            continue
        placed.add(user_id)
        company_index = n % len(mentors)
        starts = today - timedelta(days=rng.randrange(0, 120))
        status = rng.choice([PlacementStatus.COMPLETED, PlacementStatus.COMPLETED, PlacementStatus.IN_PROGRESS,
                             PlacementStatus.AGREED, PlacementStatus.PROPOSED, PlacementStatus.CANCELLED])
        placement_rows.append({"trainee_id": user_id, "company_id": company_ids[company_index],
                               "mentor_id": mentors[company_index], "specialisation_id": course_spec[course_id],
                               "starts_on": starts, "ends_on": starts + timedelta(days=28), "planned_hours": 160,
                               "status": status, "status_changed_at": now, "created_at": now, "updated_at": now,
                               "cancel_reason": "Zmiana planów" if status == PlacementStatus.CANCELLED else None})
    placement_ids = _insert(Placement, placement_rows, Placement.id)
    logbook_rows = []
    for row, placement_id in zip(placement_rows, placement_ids, strict=True):
        if row["status"] in (PlacementStatus.PROPOSED, PlacementStatus.AGREED):
            continue
        for day in range(5):
            logbook_rows.append({"placement_id": placement_id, "day": row["starts_on"] + timedelta(days=day),
                                 "hours": 8.0, "tasks": "Obsługa maszyny, kontrola jakości.",
                                 "status": EntryStatus.CONFIRMED, "created_at": now, "updated_at": now})
    _insert(LogbookEntry, logbook_rows)

    from app.reporting.demo import seed_demo_indicators

    seed_demo_indicators()
    roster_meeting = held[roster_course][-1]
    description = {
        "version": VERSION,
        "accounts": {
            "trainee": {"email": "trainee30@bench.example.com", "password": PASSWORDS["trainee"]},
            "trainer": {"email": "trainer0@bench.example.com", "password": PASSWORDS["trainer"]},
            "mentor": {"email": "mentor0@bench.example.com", "password": PASSWORDS["mentor"]},
            "coordinator": {"email": "coordinator0@bench.example.com", "password": PASSWORDS["coordinator"]},
        },
        "course_id": course_ids[1], "lesson_id": lessons_by_course[course_ids[1]][0],
        "material_id": material_ids[len(lessons_by_course[course_ids[0]])],
        "roster_meeting_id": roster_meeting, "roster_size": ROSTER_SIZE, "trainer_lesson_id": lessons_by_course[
            course_ids[0]][0],
    }
    # The trainee account must be enrolled in the journey's course.
    journey_trainee = trainee_ids[ROSTER_SIZE]
    if not db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == journey_trainee,
                                                        Enrolment.course_id == course_ids[1])):
        enrolment_id = _insert(Enrolment, [{"user_id": journey_trainee, "course_id": course_ids[1],
                                            "status": EnrolmentStatus.ENROLLED, "status_changed_at": now,
                                            "created_at": now}], Enrolment.id)[0]
        _insert(EnrolmentEvent, [{"enrolment_id": enrolment_id, "to_status": EnrolmentStatus.ENROLLED,
                                  "source": "bench", "created_at": now}])
    # The rows above went in as bulk Core inserts, past the session's bookkeeping: the reports' per-enrolment
    # summaries are computed once for all of them.
    from app.reporting.summaries import rebuild

    rebuild()
    db.session.add(SiteSetting(key=MARKER, value=json.dumps(description)))
    return description


def describe() -> dict:
    setting = db.session.get(SiteSetting, MARKER)
    if setting is None:
        raise click.ClickException("no bench dataset here: run `flask bench-data` first")
    description = json.loads(setting.value)
    description["counts"] = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("trainees", select(User).where(User.role == Role.TRAINEE).subquery()), ("courses", Course),
        ("meetings", TrainingSession), ("attendance", Attendance), ("lesson_progress", LessonProgress),
        ("quiz_attempts", QuizAttempt), ("companies", Company), ("placements", Placement),
        ("logbook_entries", LogbookEntry))}
    return description


@click.command("bench-data")
@click.option("--describe", "only_describe", is_flag=True, help="Print the dataset's accounts and ids as JSON.")
@with_appcontext
def bench_data_command(only_describe: bool) -> None:
    """Generate the benchmark dataset (once; seeded, so reproducible)."""
    if only_describe:
        click.echo(json.dumps(describe()))
        return
    if db.session.get(SiteSetting, MARKER) is not None:
        click.echo("The bench dataset is already there.")
        return
    started = datetime.now(UTC)
    generate()
    db.session.commit()
    # Fresh statistics: without them PostgreSQL plans the reports' joins over empty-table estimates (20 s
    # instead of 0.2 s for the at-risk list). Autovacuum does the same in production after large changes.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    seconds = (datetime.now(UTC) - started).total_seconds()
    click.echo(f"Bench dataset generated in {seconds:.0f} s.")
