"""`flask backup create|verify|restore`: a portable, signed, optionally encrypted archive of the database and the
stored files.

The archive is a ZIP (ZIP64, so it may exceed 4 GB) holding:

- ``manifest.json``: format ``mcc-backup`` version 2, when, the Alembic revision, the source database's dialect,
  per table the row count and the SHA-256 of its data file, per stored object its key, size and SHA-256, and the
  objects rows pointed to that storage lacked (only with ``--allow-missing``);
- ``manifest.hmac``: HMAC-SHA256 of ``manifest.json``'s exact bytes, with the key's id (``keys.py``): as the
  manifest holds every other entry's checksum, a change to any row, object or the manifest is detected;
- ``tables/<name>.jsonl``: one JSON object per row, values in portable form (ISO dates and times with their
  zone, enum values, JSON as JSON) — so an archive of SQLite restores into PostgreSQL and back;
- ``objects/<key>``: the bytes of every object a row points to (stored, not compressed).

With ``--encrypt`` the whole ZIP is encrypted as a stream of authenticated AES-256-GCM segments (``sealed.py``);
``verify`` and ``restore`` recognise such a file by its first bytes.

All tables are read in one transaction (REPEATABLE READ on PostgreSQL; one read transaction on SQLite), so the
archive is consistent even while people use the app. ``create`` writes to a hidden name beside the target and
renames it when complete. ``restore`` wants an empty installation migrated to the same revision; it writes and
checks every object, then inserts all rows in foreign-key order in one transaction and resets PostgreSQL
sequences; a failure undoes both (``restore.py``). ``verify`` checks every byte without restoring.

For production at scale, PostgreSQL's own dumps (pg_dump / PITR) and S3 bucket versioning with replication are
the primary path; this archive is the portable, self-checking copy (and the way to move between backends).
"""

from app.backup.archive import verify_archive, verify_backup
from app.backup.cli import backup_cli
from app.backup.common import ArchiveDamaged, BackupError
from app.backup.create import create_backup
from app.backup.keys import BackupKeys, backup_keys
from app.backup.restore import restore_backup
from app.backup.scheduled import check_settings, make_scheduled_backup

__all__ = ["ArchiveDamaged", "BackupError", "BackupKeys", "backup_cli", "backup_keys", "check_settings",
           "create_backup", "make_scheduled_backup", "restore_backup", "verify_archive", "verify_backup"]
