"""The outbox and a real worker process: committed work is done once, rolled-back work never, mail survives an SMTP
outage, a worker killed half-way leaves the work to the next one, and failures end on the admins' page."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from app.jobs.mail import queue_mail
from app.jobs.models import OutboxMessage
from app.jobs.outbox import enqueue
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.jobs import handlers  # noqa: F401  (the test jobs, as the worker has them)
from tests.jobs.conftest import wait_for


def committed(app, work) -> None:
    """Do ``work`` in a request's transaction and commit it, as a writing request would."""
    with app.test_request_context("/", method="POST"), app.app_context():
        try:
            work()
            db.session.commit()
        finally:
            db.session.remove()


def count(app, statement) -> int:
    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


def test_a_committed_mail_is_sent_once_and_a_rolled_back_one_never(jobs_world):
    app, mailbox = jobs_world.app, jobs_world.mailbox
    mailbox.start()
    jobs_world.start_worker()
    committed(app, lambda: queue_mail("ona@example.com", "Kept", "This change was saved."))
    with app.test_request_context("/", method="POST"), app.app_context():
        queue_mail("jonas@example.com", "Lost", "This change was rolled back.")
        db.session.rollback()
        db.session.remove()
    wait_for(lambda: mailbox.received, 30, "the mail's delivery")
    # (Counted by kind: the worker's scheduler may add upkeep of its own meanwhile.)
    wait_for(lambda: count(app, select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "mail.send", OutboxMessage.done_at.is_not(None))) == 1, 10, "the message marked done")
    assert [m["To"] for m in mailbox.received] == ["ona@example.com"]
    assert count(app, select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "mail.send")) == 1


def test_a_bulk_import_while_smtp_is_down_succeeds_and_all_50_mails_arrive_once(jobs_world):
    app, mailbox = jobs_world.app, jobs_world.mailbox
    with app.app_context():
        coordinator = create_user(Role.COORDINATOR)
        course = create_course()
        email, course_key = coordinator.email, course.key
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": email, "password": "correct horse battery", "csrf_token": client.csrf_token()})
    rows = "name,email,country,company,course\n" + "".join(
        f"Osoba {n},osoba{n}@example.com,PL,Metal-Tech,{course_key}\n" for n in range(50))
    jobs_world.start_worker()  # SMTP is down: nothing listens on its port yet
    preview = client.post("/manage/enrolments/import", data={
        "file": (io.BytesIO(rows.encode()), "lista.csv"), "csrf_token": client.csrf_token()},
        content_type="multipart/form-data")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    import re

    token = re.search(r'name="rows" type="hidden" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    confirm = client.post("/manage/enrolments/import/confirm", data={"rows": token, "csrf_token": client.csrf_token()})
    assert confirm.status_code == 303  # the import is saved although no mail could leave
    wait_for(lambda: count(app, select(func.sum(OutboxMessage.attempts)).where(OutboxMessage.kind == "mail.send"))
             >= 50, 30, "the first failed attempts")
    assert mailbox.received == []
    mailbox.start()  # the mail server is back
    wait_for(lambda: len(mailbox.received) >= 50, 90, "the 50 invitations")
    try:
        wait_for(lambda: count(app, select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.done_at.is_(None))) == 0, 30, "every message done")
    except AssertionError:
        with app.app_context():
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.done_at.is_(None))):
                print("PENDING", m.id, m.kind, m.attempts, m.available_at, m.locked_until, m.last_error)
        print("RECEIVED", len(mailbox.received))
        raise
    recipients = sorted(m["To"] for m in mailbox.received)
    assert recipients == sorted(f"osoba{n}@example.com" for n in range(50))  # each once


def test_a_worker_killed_in_the_middle_of_a_job_leaves_it_to_the_next_one_and_it_happens_once(jobs_world):
    app = jobs_world.app
    first = jobs_world.start_worker()
    committed(app, lambda: enqueue("tests.slow_record", {"key": "slow-1", "seconds": 3}))
    wait_for(lambda: count(app, select(OutboxMessage.attempts).where(OutboxMessage.kind == "tests.slow_record")) == 1,
             20, "the job's start")
    jobs_world.kill(first)  # in the middle of its three seconds
    assert count(app, select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "tests.slow_record")) == 0
    import time

    time.sleep(4.5)  # the dead worker's lease runs out
    jobs_world.start_worker()
    wait_for(lambda: count(app, select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "tests.slow_record", OutboxMessage.done_at.is_not(None))) == 1, 40,
        "the job done by the next worker")
    assert count(app, select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "tests.slow_record")) == 1


def test_a_job_that_keeps_failing_ends_on_the_failed_jobs_page_and_can_be_retried(jobs_world):
    from app.core.models import SiteSetting

    app = jobs_world.app
    jobs_world.start_worker()
    with app.app_context():
        admin_email = create_user(Role.ADMIN).email
        db.session.remove()
    committed(app, lambda: enqueue("tests.flaky", {"key": "flaky-1"}))
    wait_for(lambda: count(app, select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.failed_at.is_not(None))) == 1, 30, "the job given up after its attempts")
    assert count(app, select(OutboxMessage.attempts).where(OutboxMessage.kind == "tests.flaky")) == 2
    client = app.test_client()
    client.post("/login", data={"email": admin_email, "password": "correct horse battery",
                                "csrf_token": client.csrf_token()})
    page = client.get("/admin/jobs/failed").get_data(as_text=True)
    assert "tests.flaky" in page and "RuntimeError: the partner system is down" in page
    committed(app, lambda: db.session.add(SiteSetting(key="tests.flaky", value='"ok"')))  # the partner is back
    message_id = count(app, select(OutboxMessage.id).where(OutboxMessage.kind == "tests.flaky"))
    assert client.post(f"/admin/jobs/{message_id}/retry", data={"csrf_token": client.csrf_token()}).status_code == 303
    wait_for(lambda: count(app, select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "tests.flaky_done")) == 1, 30, "the retried job done")
    assert "tests.flaky" not in client.get("/admin/jobs/failed").get_data(as_text=True)
