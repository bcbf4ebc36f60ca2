import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts import services
from app.audit.labels import ACTIONS
from app.core.models import AuditEntry
from app.core.permissions import Role
from tests.factories import create_user


def entries(db, action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_entry_is_written_in_the_same_transaction_as_the_change(db):
    admin, person = create_user(Role.ADMIN), create_user(Role.TRAINEE)
    services.change_role(person, Role.TRAINER, admin)
    db.session.rollback()
    assert entries(db, "accounts.role_changed") == []
    db.session.refresh(person)
    assert person.role == Role.TRAINEE

    services.change_role(person, Role.TRAINER, admin)
    db.session.commit()
    [entry] = entries(db, "accounts.role_changed")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "users", str(person.id))
    assert entry.before == {"role": "trainee"} and entry.after == {"role": "trainer"}


def test_a_refused_change_leaves_no_entry(db):
    admin = create_user(Role.ADMIN)
    with pytest.raises(Exception, match="last administrator"):
        services.change_role(admin, Role.TRAINEE, admin)
    db.session.rollback()
    assert entries(db, "accounts.role_changed") == []


def test_logins_and_failures_are_recorded_without_the_address(client, db):
    user = create_user(Role.TRAINEE)
    # A refused login answers 422, which rolls a request back: the route keeps() the attempt's entry on purpose.
    assert client.post_form("/login", {"email": user.email, "password": "wrong wrong wrong"}).status_code == 422
    assert client.post_form("/login", {"email": "ghost@example.com", "password": "wrong wrong wrong"}).status_code \
        == 422
    client.post_form("/login", {"email": user.email, "password": "correct horse battery"})
    failed = entries(db, "auth.login_failed")
    assert len(failed) == 2
    assert [e.object_id for e in sorted(failed, key=lambda e: e.id)] == [str(user.id), None]
    assert all("@" not in str(entry.after) for entry in failed)
    assert [e.actor_id for e in entries(db, "auth.login")] == [user.id]


def test_admin_role_change_through_the_app_is_recorded(client, login, db):
    admin, person = create_user(Role.ADMIN), create_user(Role.TRAINEE)
    login(admin)
    client.post_form(f"/admin/users/{person.id}", {"role": "coordinator", "is_active": "y"})
    [entry] = entries(db, "accounts.role_changed")
    assert entry.actor_id == admin.id and entry.after == {"role": "coordinator"}


@pytest.mark.parametrize(("role", "status"), [(Role.TRAINEE, 403), (Role.TRAINER, 403), (Role.COORDINATOR, 200),
                                              (Role.ADMIN, 200)])
def test_coordinators_and_admins_search_the_trail(client, login, role, status):
    user = create_user(role)
    login(user)
    response = client.get("/audit/?action=auth.")
    assert response.status_code == status
    if status == 200:
        assert "auth.login" in response.get_data(as_text=True)


def test_nobody_can_edit_the_trail_through_the_app(client, login, db):
    login(create_user(Role.ADMIN))
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/audit/").status_code in (400, 405)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == count


def test_search_filters_by_object(client, login, db):
    admin, a, b = create_user(Role.ADMIN), create_user(Role.TRAINEE), create_user(Role.TRAINEE)
    services.change_role(a, Role.TRAINER, admin)
    services.change_role(b, Role.TRAINER, admin)
    db.session.commit()
    login(admin)
    html = client.get(f"/audit/?object_type=users&object_id={a.id}&action=accounts.").get_data(as_text=True)
    assert f"Person #{a.id}" in html and f"Person #{b.id}" not in html


def test_bad_search_input_gets_a_message(client, login):
    login(create_user(Role.COORDINATOR, language="pl"))
    response = client.get("/audit/?since=yesterday")
    assert response.status_code == 200
    assert "Nieprawidłowa data." in response.get_data(as_text=True)


def test_entries_read_in_the_readers_language(client, login, db):
    admin, person = create_user(Role.ADMIN, language="pl"), create_user(Role.TRAINEE)
    services.change_role(person, Role.TRAINER, admin)
    db.session.commit()
    login(admin)
    html = client.get(f"/audit/?object_type=users&object_id={person.id}").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td>[^<]*</td>\s*<td>Zmiana roli<br><code[^>]*>accounts.role_changed</code>.*?</tr>",
                    html, re.S)
    assert row, "the action is named in Polish, its code beside it"
    assert f"Osoba #{person.id}" in row.group(0)
    assert re.search(r"<dt>rola</dt><dd>Trener</dd>", row.group(0))
    assert "{&#34;" not in html and '{"' not in html  # no raw JSON


def test_every_recorded_action_has_a_label():
    source = "\n".join(path.read_text() for path in (Path(__file__).parents[2] / "app").rglob("*.py"))
    recorded = set(re.findall(r'record_event\(\s*"([a-z_]+\.[a-z_]+)"', source))
    recorded |= set(re.findall(r'_record_move\(\s*"([a-z_]+\.[a-z_]+)"', source))
    assert len(recorded) > 50
    assert sorted(recorded - set(ACTIONS)) == [], "give new audit actions a label in app/audit/labels.py"
