"""Edits made through the pages leave audit entries: who, which object, and what changed (the differing fields,
long texts as per-language lengths). A refused change (an invalid form answering 422, a 403) leaves none."""

from sqlalchemy import select

from app.accounts.models import Country
from app.catalogue.models import Course, CourseStatus, Lesson, Material, Module
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.learning.models import Question, Quiz
from app.network.models import Company
from app.placements.models import Application, ApplicationChoice, InternshipOffer, Placement
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz
from tests.factories.placements import create_company
from tests.placements.test_companies import make_offer


def entries(db, prefix: str = "") -> list[AuditEntry]:
    """The entries whose action starts with ``prefix``, oldest first (logins left out)."""
    db.session.expire_all()
    return [e for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                          .order_by(AuditEntry.id)) if not e.action.startswith("auth.")]


def the_entry(db, action: str) -> AuditEntry:
    [entry] = [e for e in entries(db, action) if e.action == action]
    return entry


def about(entry: AuditEntry) -> tuple:
    return entry.actor_id, entry.object_type, entry.object_id


# -- catalogue ------------------------------------------------------------------------------------------------------
COURSE_FORM = {"source_language": "pl", "title_pl": "Spawanie MAG blach", "title_lt": "",
               "title_en": "MAG welding of sheets", "summary_pl": "Krótko", "hours": "16", "enrolment_policy": "open"}


def test_creating_and_editing_a_course_is_audited_with_the_fields_that_changed(client, login, db):
    trainer = create_user(Role.TRAINER)
    spec = get_specialisation("welding")
    login(trainer)
    form = {**COURSE_FORM, "specialisation": str(spec.id)}
    assert client.post_form("/teach/courses/new", form).status_code == 303
    course = db.session.scalar(select(Course))
    created = the_entry(db, "catalogue.course_created")
    assert about(created) == (trainer.id, "courses", str(course.id))
    assert created.after == {"key": "spawanie-mag-blach", "specialisation": spec.id, "trainers": [trainer.id],
                             "title": {"pl": "Spawanie MAG blach", "en": "MAG welding of sheets"}}

    description = "Ćwiczenia na blachach 2–6 mm. " * 40
    edited = {**form, "title_en": "MAG welding of thin sheets", "hours": "24", "capacity": "12",
              "description_pl": description, "starts_on": "2027-03-01"}
    assert client.post_form(f"/teach/courses/{course.id}", edited).status_code == 303
    updated = the_entry(db, "catalogue.course_updated")
    assert about(updated) == (trainer.id, "courses", str(course.id))
    assert updated.before == {"title": {"pl": "Spawanie MAG blach", "en": "MAG welding of sheets"},
                              "description": {"pl": None}, "hours": 16, "capacity": None, "starts_on": None}
    assert updated.after == {"title": {"pl": "Spawanie MAG blach", "en": "MAG welding of thin sheets"},
                             "description": {"pl": len(description.strip())}, "hours": 24, "capacity": 12,
                             "starts_on": "2027-03-01"}
    assert client.post_form(f"/teach/courses/{course.id}", edited).status_code == 303  # nothing changed
    assert len(entries(db, "catalogue.course_updated")) == 1


def test_refused_course_edits_leave_no_entry(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    form = {**COURSE_FORM, "specialisation": str(course.specialisation_id)}
    login(create_user(Role.TRAINER))  # not this course's trainer
    assert client.post_form(f"/teach/courses/{course.id}", {**form, "hours": "20"}).status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/status", {"status": "archived"}).status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/trainers", {"tr-trainers": [str(trainer.id)]}) \
        .status_code == 403
    login(trainer)
    assert client.post_form(f"/teach/courses/{course.id}", {**form, "hours": "-3"}).status_code == 422
    assert client.post_form(f"/teach/courses/{course.id}", {**form, "title_pl": ""}).status_code == 422  # refused
    assert client.post_form("/teach/courses/new", {**form, "title_pl": ""}).status_code == 422
    assert entries(db, "catalogue.") == []


def test_publishing_and_assigning_trainers_are_audited(client, login, db):
    trainer, other, coordinator = create_user(Role.TRAINER), create_user(Role.TRAINER), create_user(Role.COORDINATOR)
    empty = create_course(trainers=[trainer], status=CourseStatus.DRAFT, modules=0)
    course = create_course(trainers=[trainer], status=CourseStatus.DRAFT)
    login(trainer)
    client.post_form(f"/teach/courses/{empty.id}/status", {"status": "published"})  # refused: no lesson
    assert client.post_form(f"/teach/courses/{course.id}/status", {"status": "published"}).status_code == 303
    status = the_entry(db, "catalogue.course_status")
    assert about(status) == (trainer.id, "courses", str(course.id))
    assert (status.before, status.after) == ({"status": "draft"}, {"status": "published"})
    login(coordinator)
    client.post_form(f"/teach/courses/{course.id}/trainers", {"tr-trainers": [str(trainer.id), str(other.id)]})
    trainers = the_entry(db, "catalogue.trainers_changed")
    assert about(trainers) == (coordinator.id, "courses", str(course.id))
    assert (trainers.before, trainers.after) == ({"trainers": [trainer.id]},
                                                 {"trainers": sorted([trainer.id, other.id])})


def test_modules_added_renamed_and_moved_are_audited(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=2)
    first, second = course.modules
    login(trainer)
    assert client.post_form(f"/teach/courses/{course.id}/modules", {"mod-title_en": "Safety"}).status_code == 303
    added = the_entry(db, "catalogue.module_added")
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.position == 2))
    assert about(added) == (trainer.id, "modules", str(module.id))
    assert added.after == {"course": course.id, "title": {"en": "Safety"}, "position": 2}

    assert client.post_form(f"/teach/modules/{module.id}", {"title_en": "Safety first", "title_pl": "BHP"}) \
        .status_code == 303
    renamed = the_entry(db, "catalogue.module_renamed")
    assert about(renamed) == (trainer.id, "modules", str(module.id))
    assert (renamed.before, renamed.after) == ({"title": {"en": "Safety"}},
                                               {"title": {"en": "Safety first", "pl": "BHP"}})

    client.post_form(f"/teach/modules/{second.id}/move", {"direction": "up"})
    client.post_form(f"/teach/modules/{second.id}/move", {"direction": "up"})  # already first: nothing moves
    moved = the_entry(db, "catalogue.module_moved")
    assert about(moved) == (trainer.id, "modules", str(second.id))
    assert (moved.before, moved.after) == ({"position": 1}, {"position": 0})

    assert client.post_form(f"/teach/modules/{first.id}", {"title_en": ""}).status_code == 422
    login(create_user(Role.TRAINER))
    assert client.post_form(f"/teach/modules/{first.id}", {"title_en": "Hijacked"}).status_code == 403
    assert client.post_form(f"/teach/modules/{first.id}/move", {"direction": "down"}).status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/modules", {"mod-title_en": "Hack"}).status_code == 403
    assert [e.action for e in entries(db, "catalogue.")] == ["catalogue.module_added", "catalogue.module_renamed",
                                                             "catalogue.module_moved"]


def test_lessons_added_edited_and_moved_are_audited_without_their_text(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=2)
    lesson = first_lesson(course)
    old_pl = lesson.body["pl"]
    login(trainer)
    assert client.post_form(f"/teach/modules/{course.modules[0].id}/lessons", {"les-title_en": "Gas flow"}) \
        .status_code == 303
    new_lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id.desc()))
    added = the_entry(db, "catalogue.lesson_added")
    assert about(added) == (trainer.id, "lessons", str(new_lesson.id))
    assert added.after == {"module": course.modules[0].id, "title": {"en": "Gas flow"}, "position": 2,
                           "duration_minutes": 0, "body": {}}

    body_pl = "## Parametry\n\nn = 1000·vc/(π·D) — prędkość obrotowa wrzeciona."
    body_lt = "## Parametrai\n\nSukimosi greitis."
    form = {"title_pl": "Lekcja 1.1", "title_en": "Lesson 1.1", "body_pl": body_pl, "body_lt": body_lt,
            "body_en": lesson.body["en"], "module": str(course.modules[0].id), "duration_minutes": "40"}
    assert client.post_form(f"/teach/lessons/{lesson.id}", form).status_code == 303
    updated = the_entry(db, "catalogue.lesson_updated")
    assert about(updated) == (trainer.id, "lessons", str(lesson.id))
    assert updated.before == {"body": {"lt": None, "pl": len(old_pl)}, "duration_minutes": 20}
    assert updated.after == {"body": {"lt": len(body_lt), "pl": len(body_pl)}, "duration_minutes": 40}
    assert "Parametr" not in str(updated.before) + str(updated.after)

    client.post_form(f"/teach/lessons/{lesson.id}", {**form, "module": str(course.modules[1].id)})
    [_, moved_away] = entries(db, "catalogue.lesson_updated")
    assert (moved_away.before, moved_away.after) == ({"module": course.modules[0].id, "position": 0},
                                                     {"module": course.modules[1].id, "position": 2})

    other = course.modules[1].lessons[0]
    client.post_form(f"/teach/lessons/{other.id}/move", {"direction": "down"})
    moved = the_entry(db, "catalogue.lesson_moved")
    assert about(moved) == (trainer.id, "lessons", str(other.id))
    assert (moved.before, moved.after) == ({"position": 0}, {"position": 1})


def test_refused_lesson_edits_leave_no_entry(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    lesson = first_lesson(course)
    form = {"title_en": "Lesson 1.1", "body_en": "Changed", "module": str(course.modules[0].id),
            "duration_minutes": "30"}
    login(trainer)
    assert client.post_form(f"/teach/lessons/{lesson.id}", {**form, "duration_minutes": "-5"}).status_code == 422
    assert client.post_form(f"/teach/lessons/{lesson.id}", {**form, "title_en": ""}).status_code == 422
    login(create_user(Role.TRAINEE))
    assert client.post_form(f"/teach/lessons/{lesson.id}", form).status_code == 403
    assert client.post_form(f"/teach/lessons/{lesson.id}/move", {"direction": "down"}).status_code == 403
    assert client.post_form(f"/teach/modules/{course.modules[0].id}/lessons", {"les-title_en": "X"}).status_code \
        == 403
    assert entries(db, "catalogue.") == []


def test_links_added_are_audited_and_bad_ones_are_not(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    lesson = first_lesson(course)
    login(trainer)
    client.post_form(f"/teach/lessons/{lesson.id}/links", {"link-link_title_en": "Wire", "link-url": "ftp://x.example"})
    login(create_user(Role.TRAINER))
    assert client.post_form(f"/teach/lessons/{lesson.id}/links", {
        "link-link_title_en": "Hack", "link-url": "https://example.com"}).status_code == 403
    assert entries(db, "catalogue.") == []
    login(trainer)
    client.post_form(f"/teach/lessons/{lesson.id}/links", {"link-link_title_en": "Wire datasheet",
                                                           "link-url": "https://example.com/wire.pdf"})
    material = db.session.scalar(select(Material))
    added = the_entry(db, "catalogue.link_added")
    assert about(added) == (trainer.id, "materials", str(material.id))
    assert added.after == {"lesson": lesson.id, "title": {"en": "Wire datasheet"},
                           "url": "https://example.com/wire.pdf"}


# -- learning authoring ---------------------------------------------------------------------------------------------
QUIZ_FORM = {"title_pl": "Test BHP", "title_lt": "", "title_en": "Safety quiz", "pass_mark": "80",
             "attempts_limit": "2", "time_limit_minutes": "", "draw_count": "", "shuffle_choices": "y"}
QUESTION_FORM = {"text_pl": "Pytanie", "text_lt": "", "text_en": "Question", "points": "1", "choices": "",
                 "correct_true": "true", "answer": "", "tolerance": "", "unit": "", "accepted": ""}


def test_quizzes_created_and_updated_are_audited(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    lesson, module = first_lesson(course), course.modules[0]
    login(trainer)
    form = {**QUIZ_FORM, "anchor": f"lesson:{lesson.id}"}
    assert client.post_form(f"/teach/courses/{course.id}/quizzes/new", form).status_code == 303
    quiz = db.session.scalar(select(Quiz))
    created = the_entry(db, "learning.quiz_created")
    assert about(created) == (trainer.id, "quizzes", str(quiz.id))
    assert created.after == {"key": "quiz-1", "title": {"pl": "Test BHP", "en": "Safety quiz"}, "lesson": lesson.id,
                             "module": None, "pass_mark": 80, "attempts_limit": 2, "time_limit_minutes": None,
                             "draw_count": None, "shuffle_choices": True}

    assert client.post_form(f"/teach/quizzes/{quiz.id}", {**form, "anchor": f"module:{module.id}",
                                                          "pass_mark": "70"}).status_code == 303
    updated = the_entry(db, "learning.quiz_updated")
    assert about(updated) == (trainer.id, "quizzes", str(quiz.id))
    assert updated.before == {"lesson": lesson.id, "module": None, "pass_mark": 80}
    assert updated.after == {"lesson": None, "module": module.id, "pass_mark": 70}

    assert client.post_form(f"/teach/quizzes/{quiz.id}", {**form, "pass_mark": "0"}).status_code == 422
    assert client.post_form(f"/teach/quizzes/{quiz.id}", {**form, "anchor": "lesson:999999"}).status_code == 422
    login(create_user(Role.TRAINER))
    assert client.post_form(f"/teach/quizzes/{quiz.id}", {**form, "pass_mark": "1"}).status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/quizzes/new", form).status_code == 403
    assert [e.action for e in entries(db, "learning.")] == ["learning.quiz_created", "learning.quiz_updated"]


def test_questions_created_updated_and_retired_are_audited(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    quiz = create_quiz(course, kinds=())
    login(trainer)
    bad = client.post_form(f"/teach/quizzes/{quiz.id}/questions/new", {**QUESTION_FORM, "type": "single",
                                                                       "choices": "* G00\n* G01\nG02"})
    assert bad.status_code == 422 and entries(db, "learning.") == []
    client.post_form(f"/teach/quizzes/{quiz.id}/questions/new", {**QUESTION_FORM, "type": "single",
                                                                 "choices": "* G00\nG01\nG02"})
    question = db.session.scalar(select(Question))
    created = the_entry(db, "learning.question_created")
    assert about(created) == (trainer.id, "questions", str(question.id))
    assert created.after == {"quiz": quiz.id, "key": "q-1", "type": "single", "points": 1.0,
                             "text": {"en": len("Question"), "pl": len("Pytanie")},
                             "answer": {"choices": 3, "correct": 1}}

    client.post_form(f"/teach/questions/{question.id}", {**QUESTION_FORM, "type": "numeric", "answer": "1273.2",
                                                         "tolerance": "5", "unit": "min^-1", "points": "2"})
    updated = the_entry(db, "learning.question_updated")
    assert about(updated) == (trainer.id, "questions", str(question.id))
    assert updated.before == {"type": "single", "points": 1.0, "answer": {"choices": 3, "correct": 1}}
    assert updated.after == {"type": "numeric", "points": 2.0,
                             "answer": {"answer": 1273.2, "tolerance": 5.0, "unit": "min^-1"}}

    client.post_form(f"/teach/questions/{question.id}/retire")
    client.post_form(f"/teach/questions/{question.id}/retire")  # already retired: nothing changes
    retired = the_entry(db, "learning.question_retired")
    assert about(retired) == (trainer.id, "questions", str(question.id))
    assert (retired.before, retired.after) == ({"is_active": True}, {"is_active": False})
    client.post_form(f"/teach/questions/{question.id}/restore")
    restored = the_entry(db, "learning.question_restored")
    assert (restored.before, restored.after) == ({"is_active": False}, {"is_active": True})

    login(create_user(Role.TRAINER))
    assert client.post_form(f"/teach/questions/{question.id}/retire").status_code == 403
    assert client.post_form(f"/teach/questions/{question.id}", {**QUESTION_FORM, "type": "true_false"}) \
        .status_code == 403
    assert len(entries(db, "learning.")) == 4


def test_completion_rule_changes_are_audited(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    login(trainer)
    url = f"/teach/courses/{course.id}/learning"
    assert client.post_form(url, {"lessons": "all", "quizzes": "all", "min_attendance_percent": "150"}) \
        .status_code == 422
    assert client.post_form(url, {"lessons": "none", "quizzes": "all", "min_attendance_percent": "60"}) \
        .status_code == 303
    entry = the_entry(db, "learning.completion_rule_changed")
    assert about(entry) == (trainer.id, "courses", str(course.id))
    assert entry.before == {"lessons": "all", "quizzes": "all", "min_attendance_percent": 80}
    assert entry.after == {"lessons": "none", "quizzes": "all", "min_attendance_percent": 60}
    login(create_user(Role.TRAINER))
    assert client.post_form(url, {"lessons": "all", "quizzes": "none", "min_attendance_percent": "0"}) \
        .status_code == 403
    assert len(entries(db, "learning.completion_rule_changed")) == 1


# -- placements -----------------------------------------------------------------------------------------------------
def company_form(**overrides):
    data = {"name": "Metal-Tech Suwałki Sp. z o.o.", "country": "PL", "city": "Suwałki",
            "registration_number": "526-025-02-74", "intern_capacity": "2", "is_cluster_member": "y",
            "description_pl": "Spawanie konstrukcji stalowych.", "contact_name": "Jan Spawacz",
            "contact_email": "jan.spawacz@metal-tech.example.com"}
    data.update(overrides)
    return data


def test_companies_created_and_updated_are_audited_without_the_contact_person(client, login, db):
    coordinator = create_user(Role.COORDINATOR)
    spec = get_specialisation("welding")
    login(coordinator)
    assert client.post_form("/directory/new", company_form(registration_number="526-025-02-75")).status_code == 422
    assert entries(db, "network.") == []
    assert client.post_form("/directory/new", company_form(specialisations=[str(spec.id)])).status_code == 303
    company = db.session.scalar(select(Company))
    created = the_entry(db, "network.member_created")
    assert about(created) == (coordinator.id, "companies", str(company.id))
    assert created.after == {"name": "Metal-Tech Suwałki Sp. z o.o.", "country": "PL", "city": "Suwałki",
                             "registration_number": "5260250274", "intern_capacity": 2, "is_cluster_member": True,
                             "description": {"pl": len("Spawanie konstrukcji stalowych.")},
                             "specialisations": [spec.id], "contact_changed": ["contact_name", "contact_email"],
                             "kind": "firm", "contact_visibility": "members", "languages": []}

    edited = company_form(name="Metal-Tech Sp. z o.o.", intern_capacity="3", specialisations=[str(spec.id)],
                          contact_email="biuro@metal-tech.example.com")
    assert client.post_form(f"/directory/{company.id}/edit", edited).status_code == 303
    updated = the_entry(db, "network.member_updated")
    assert about(updated) == (coordinator.id, "companies", str(company.id))
    assert updated.before == {"name": "Metal-Tech Suwałki Sp. z o.o.", "intern_capacity": 2}
    assert updated.after == {"name": "Metal-Tech Sp. z o.o.", "intern_capacity": 3,
                             "contact_changed": ["contact_email"]}
    trail = " ".join(str(e.after) + str(e.before) for e in entries(db, "network."))
    assert "Spawacz" not in trail and "@" not in trail

    assert client.post_form(f"/directory/{company.id}/edit", edited).status_code == 303  # nothing changed
    assert client.post_form(f"/directory/{company.id}/edit", {**edited, "city": ""}).status_code == 422
    login(create_user(Role.TRAINER))
    assert client.post_form(f"/directory/{company.id}/edit", company_form(name="Hijacked")).status_code == 403
    assert client.post_form("/directory/new", company_form(registration_number="110053842", country="LT")) \
        .status_code == 403
    assert len(entries(db, "network.")) == 2


def test_mentors_added_are_audited(client, login, db):
    coordinator, mentor = create_user(Role.COORDINATOR), create_user(Role.TRAINER)
    company = create_company()
    login(coordinator)
    client.post_form(f"/directory/{company.id}/mentors", {"email": "nobody@example.com"})
    assert client.post_form(f"/directory/{company.id}/mentors", {"email": mentor.email}).status_code == 303
    entry = the_entry(db, "placements.mentor_added")
    assert about(entry) == (coordinator.id, "companies", str(company.id))
    assert entry.after == {"user": mentor.id}


OFFER_FORM = {"starts_on": "2027-02-01", "ends_on": "2027-02-26", "places": "2", "planned_hours": "160",
              "working_language": "lt", "title_en": "CNC lathe internship"}


def test_offers_created_and_updated_are_audited(client, login, db):
    mentor = create_user(Role.TRAINER)
    own, foreign = create_company(mentors=[mentor]), create_company()
    spec = get_specialisation("cnc")
    login(mentor)
    form = {**OFFER_FORM, "specialisation_id": str(spec.id), "company_id": str(own.id)}
    assert client.post_form("/offers/new", {**form, "company_id": str(foreign.id)}).status_code == 422
    assert client.post_form("/offers/new", {**form, "ends_on": "2027-01-01"}).status_code == 422
    assert entries(db, "placements.") == []
    assert client.post_form("/offers/new", form).status_code == 303
    offer = db.session.scalar(select(InternshipOffer))
    created = the_entry(db, "placements.offer_created")
    assert about(created) == (mentor.id, "internship_offers", str(offer.id))
    assert created.after == {"company": own.id, "specialisation": spec.id, "title": {"en": "CNC lathe internship"},
                             "starts_on": "2027-02-01", "ends_on": "2027-02-26", "places": 2,
                             "working_language": "lt", "planned_hours": 160}

    description = "Toczenie wałków na tokarce CNC z układem Fanuc. " * 10
    assert client.post_form(f"/offers/{offer.id}/edit", {**form, "places": "3", "description_lt": description}) \
        .status_code == 303
    updated = the_entry(db, "placements.offer_updated")
    assert about(updated) == (mentor.id, "internship_offers", str(offer.id))
    assert (updated.before, updated.after) == ({"places": 2, "description": {"lt": None}},
                                               {"places": 3, "description": {"lt": len(description.strip())}})
    login(create_user(Role.TRAINER))
    assert client.post_form(f"/offers/{offer.id}/edit", {**form, "places": "9"}).status_code == 403
    assert len(entries(db, "placements.")) == 2


def test_applications_sent_and_replaced_are_audited_without_the_motivation(client, login, db):
    trainee = create_user()
    enrol(trainee, create_course(specialisation="cnc"))
    offers = [make_offer(create_company()) for _ in range(2)]
    login(trainee)
    motivation = "Chcę poznać obróbkę CNC w litewskiej firmie."
    assert client.post_form("/internships/", {"first": str(offers[0].id), "second": "0", "third": "0",
                                              "motivation": "short"}).status_code == 422
    assert entries(db, "placements.") == []
    assert client.post_form("/internships/", {"first": str(offers[1].id), "second": str(offers[0].id),
                                              "third": "0", "motivation": motivation}).status_code == 303
    first = db.session.scalar(select(Application))
    sent = the_entry(db, "placements.application_sent")
    assert about(sent) == (trainee.id, "internship_applications", str(first.id))
    assert sent.after == {"offers": [offers[1].id, offers[0].id], "motivation_length": len(motivation),
                          "replaces": []}

    assert client.post_form("/internships/", {"first": str(offers[0].id), "second": "0", "third": "0",
                                              "motivation": motivation + " Naprawdę."}).status_code == 303
    second = db.session.scalar(select(Application).where(Application.id != first.id))
    [_, resent] = entries(db, "placements.application_sent")
    assert about(resent) == (trainee.id, "internship_applications", str(second.id))
    assert resent.after["replaces"] == [first.id]
    replaced = the_entry(db, "placements.application_replaced")
    assert about(replaced) == (trainee.id, "internship_applications", str(first.id))
    assert (replaced.before, replaced.after) == ({"status": "open"}, {"status": "replaced", "replaced_by": second.id})
    assert "CNC" not in " ".join(str(e.after) for e in entries(db, "placements."))


def applications_for(db, offer, people) -> list[int]:
    """Each person applies for ``offer`` alone; their application ids, in order."""
    applications = []
    for person in people:
        application = Application(user=person, motivation="I want to learn CNC turning in a real plant.")
        application.choices = [ApplicationChoice(offer=offer, rank=1)]
        db.session.add(application)
        applications.append(application)
    db.session.commit()
    return [a.id for a in applications]


def test_accepted_matches_leave_one_entry_per_placement(client, login, db):
    course = create_course(specialisation="cnc")
    people = [create_user(country=Country.PL), create_user(country=Country.PL)]
    for person in people:
        enrol(person, course)
    offer = make_offer(create_company(Country.LT, capacity=2), places=2)
    ids = applications_for(db, offer, people)
    coordinator = create_user(Role.COORDINATOR)
    login(coordinator)
    assert client.post_form("/placements/matching", {f"offer_{i}": str(offer.id) for i in ids}).status_code == 303
    placements = {p.trainee_id: p.id for p in db.session.scalars(select(Placement))}
    accepted = entries(db, "placements.match_accepted")
    assert [about(e) for e in accepted] == [(coordinator.id, "internship_applications", str(i)) for i in ids]
    assert [(e.before, e.after) for e in accepted] == [
        ({"status": "open"}, {"status": "placed", "offer": offer.id, "placement": placements[person.id]})
        for person in people]
    assert len(entries(db, "placements.status_changed")) == 2  # the placements themselves, as before


def test_a_refused_match_leaves_no_entry(client, login, db):
    course = create_course(specialisation="cnc")
    people = [create_user(), create_user()]
    for person in people:
        enrol(person, course)
    offer = make_offer(create_company(Country.LT, capacity=1), places=2)  # the firm itself takes only one
    ids = applications_for(db, offer, people)
    login(create_user(Role.TRAINER))
    assert client.post_form("/placements/matching", {f"offer_{i}": str(offer.id) for i in ids}).status_code == 403
    login(create_user(Role.COORDINATOR))
    response = client.post_form("/placements/matching", {f"offer_{i}": str(offer.id) for i in ids},
                                follow_redirects=True)
    assert "cannot host more interns in this period" in response.get_data(as_text=True)
    # The first row is saved with its entries; the refused second row leaves none.
    [placement] = db.session.scalars(select(Placement)).all()
    assert [(e.action, e.object_id) for e in entries(db, "placements.")] == [
        ("placements.status_changed", str(placement.id)), ("placements.match_accepted", str(ids[0]))]


# -- site settings --------------------------------------------------------------------------------------------------
def test_site_setting_changes_are_audited(app, client, login, db):
    default = app.config["SELF_REGISTRATION_DEFAULT"]
    admin = create_user(Role.ADMIN)
    login(create_user(Role.COORDINATOR))
    assert client.post_form("/admin/settings", {"self_registration": "y"}).status_code == 403
    login(admin)
    assert client.post("/admin/settings", data={"self_registration": "y"}).status_code == 400  # no CSRF token
    assert entries(db, "core.") == []
    flipped = {} if default else {"self_registration": "y"}
    assert client.post_form("/admin/settings", flipped).status_code == 302
    assert client.post_form("/admin/settings", flipped).status_code == 302  # the same value again: no entry
    entry = the_entry(db, "core.setting_changed")
    assert about(entry) == (admin.id, "site_settings", "self_registration")
    assert (entry.before, entry.after) == ({"value": default}, {"value": not default})
