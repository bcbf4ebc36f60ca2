"""Certificate notices reach the holder only: issued (on completion or for an internship), revoked by a
coordinator, withdrawn when completion is lost."""

from app.core.db import utcnow
from app.core.permissions import Role
from app.learning.certificates import issue_for, revoke_for_lost_completion
from app.placements import lifecycle
from app.placements.models import PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.notifications.helpers import body_of, deliver, kinds_of, notices, shown


def completed(trainee, course):
    enrolment = enrol(trainee, course)
    enrolment.completed_at = utcnow()
    return enrolment


def test_an_issued_certificate_is_told_to_its_holder_only(db):
    course = create_course(title={"pl": "Obróbka CNC", "lt": "CNC apdirbimas", "en": "CNC machining"})
    holder, classmate = create_user(language="lt"), create_user()
    enrol(classmate, course)
    certificate = issue_for(completed(holder, course))
    db.session.commit()
    [told] = notices(holder)
    assert told.kind == "certificate.issued" and told.link == "/learning/"
    assert shown(told) == ("Jūsų pažymėjimas parengtas: CNC apdirbimas",
                           f"Pažymėjimas {certificate.code}. Atsisiųskite jį PDF formatu arba pasidalykite jo "
                           "patikros puslapiu.")
    assert kinds_of(classmate) == []
    [mail] = deliver(told)
    assert mail["To"] == holder.email and certificate.code in body_of(mail)


def test_a_revoked_certificate_is_told_with_the_reason(client, login, db):
    coordinator = create_user(Role.COORDINATOR)
    holder = create_user(language="pl")
    certificate = issue_for(completed(holder, create_course(title={"pl": "Spawanie", "en": "Welding"})))
    db.session.commit()
    login(coordinator)
    response = client.post_form(f"/learning/certificates/{certificate.id}/revoke", {"reason": "Błąd w danych"})
    assert response.status_code == 303
    assert kinds_of(holder) == ["certificate.issued", "certificate.revoked"]
    assert shown(notices(holder, "certificate.revoked")[0]) == (
        "Twoje zaświadczenie zostało unieważnione: Spawanie",
        f"Zaświadczenie {certificate.code} nie jest już ważne. Powód: Błąd w danych")
    assert kinds_of(coordinator) == []


def test_a_certificate_withdrawn_with_lost_completion_says_why(db):
    holder = create_user()
    enrolment = completed(holder, create_course())
    certificate = issue_for(enrolment)
    revoke_for_lost_completion(enrolment, None)
    [withdrawn] = notices(holder, "certificate.withdrawn")
    assert f"Certificate {certificate.code} is no longer valid: the course's completion requirements" in \
        shown(withdrawn)[1]


def test_an_internship_certificate_leads_to_the_placement(db):
    coordinator, trainee, mentor = create_user(Role.COORDINATOR), create_user(), create_user(Role.TRAINER)
    enrol(trainee, create_course())
    placement = create_placement(trainee, create_company(mentors=[mentor]), status=PlacementStatus.COMPLETED)
    lifecycle.issue_certificate(coordinator, placement)
    [told] = notices(trainee)
    assert told.kind == "certificate.issued" and told.link == f"/placements/{placement.id}"
    assert kinds_of(mentor) == [] and kinds_of(coordinator) == []
