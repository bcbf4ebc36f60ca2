"""A restored installation searches its directory at once: the rows come back with their search documents, and
SQLite's FTS5 index (kept by triggers on ``companies``) is filled as they are inserted."""

from __future__ import annotations

import pytest

from app.backup import create_backup
from app.extensions import db
from app.network.demo import seed_demo_network
from app.network.search import DirectorySearch, search_members
from tests.conftest import make_test_app
from tests.dbutil import BACKENDS, fresh_database, upgrade_to_head


def _found(app, text: str) -> set[str]:
    with app.app_context():
        found = {c.name for c in search_members(DirectorySearch(text=text))}
        db.session.remove()
        db.engine.dispose()
    return found


@pytest.mark.parametrize(("source", "target"), [("sqlite", "sqlite"), ("postgresql", "sqlite"),
                                                ("sqlite", "postgresql")])
def test_search_works_after_a_restore(source, target, tmp_path):
    if "postgresql" in (source, target) and "postgresql" not in BACKENDS:
        pytest.skip("TEST_DATABASE_URL is not set")
    archive = tmp_path / "mcc.zip"
    with fresh_database(source, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media-a")
        upgrade_to_head(app)
        with app.app_context():
            seed_demo_network()
            db.session.commit()
            create_backup(archive)
            db.session.remove()
            db.engine.dispose()
        before = _found(app, "spawanie")
    assert "Metal-Tech Suwałki Sp. z o.o." in before
    with fresh_database(target, tmp_path) as url:
        restored = make_test_app(url, tmp_path / "media-b")
        upgrade_to_head(restored)
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert _found(restored, "spawanie") == before
        assert _found(restored, "kalvyste") and not _found(restored, "xylofonista")
