"""Someone with the archive but not the key changes it: every change is found by `verify` and refused by
`restore`, which leaves the target empty (no row, no object)."""

import json
import zipfile

import pytest

from app.backup import BackupError, verify_archive, verify_backup
from tests.privacy.backups import KEYS, OTHER_KEYS, contents, empty_target, keys_of, make_source, rewrite, unchanged

USERS = "tables/users.jsonl"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_source(tmp_path_factory)


def first_object(manifest: dict) -> str:
    return f"objects/{manifest['objects'][0]['key']}"


def change_a_row(name, data, manifest):
    if name != USERS:
        return data
    first, rest = data.split(b"\n", 1)
    row = json.loads(first)
    row["role"] = "admin" if row["role"] != "admin" else "trainee"  # made oneself an administrator
    return json.dumps(row, ensure_ascii=False, sort_keys=True).encode() + b"\n" + rest


def change_an_object(name, data, manifest):
    return data[:-1] + bytes([data[-1] ^ 1]) if name == first_object(manifest) else data


def edit_the_manifest(name, data, manifest):
    if name != "manifest.json":
        return data
    edited = json.loads(data)
    edited["tables"]["users"]["rows"] += 1
    return json.dumps(edited, indent=2).encode()


def drop_an_object_everywhere(name, data, manifest):
    """The object and its line in the manifest both gone."""
    if name == first_object(manifest):
        return None
    if name == "manifest.json":
        edited = json.loads(data)
        edited["objects"] = edited["objects"][1:]
        return json.dumps(edited, indent=2).encode()
    return data


def drop_the_signature(name, data, manifest):
    return None if name == "manifest.hmac" else data


def add_an_entry(name, data, manifest):
    return data + b'{"id": 999999}\n' if name == USERS else data


TAMPERINGS = {
    # The operator's finding: today this archive verifies as sound and restores.
    "a row changed, its table's hash recomputed": (change_a_row, True),
    "a row changed": (change_a_row, False),
    "a row added, its table's hash and count recomputed": (add_an_entry, True),
    "the manifest edited": (edit_the_manifest, False),
    "an object changed": (change_an_object, False),
    "an object changed, its hash recomputed": (change_an_object, True),
    "an object and its manifest line removed": (drop_an_object_everywhere, False),
    "the signature removed": (drop_the_signature, False),
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_verify_finds_the_tampering_and_restore_refuses_it(tampering, source, tmp_path):
    edit, rehash = TAMPERINGS[tampering]
    tampered = tmp_path / "tampered.zip"
    rewrite(source.plain, tampered, edit, rehash=rehash)
    with empty_target("sqlite", tmp_path) as target:
        runner = target.test_cli_runner()
        verified = runner.invoke(args=["backup", "verify", str(tampered)])
        assert verified.exit_code != 0 and "damaged" in verified.output, verified.output
        restored = runner.invoke(args=["backup", "restore", str(tampered)])
        assert restored.exit_code != 0 and "damaged" in restored.output, restored.output
        assert contents(target) == (0, [])


def test_an_untouched_rewrite_is_sound(source, tmp_path):
    """The tampering tests' own tool changes nothing by itself."""
    copy = tmp_path / "copy.zip"
    rewrite(source.plain, copy, unchanged)
    assert verify_backup(copy, keys_of(KEYS)) == []


def test_a_recomputed_table_hash_is_caught_by_the_signature(source, tmp_path):
    tampered = tmp_path / "tampered.zip"
    rewrite(source.plain, tampered, change_a_row, rehash=True)
    problems = verify_backup(tampered, keys_of(KEYS))
    assert problems == ["manifest.json does not match its signature: the manifest was altered (and with it, maybe, "
                        "the rows or objects it vouches for)"]


def test_a_changed_row_and_object_are_named(source, tmp_path):
    tampered = tmp_path / "tampered.zip"
    rewrite(source.plain, tampered, lambda n, d, m: change_an_object(n, change_a_row(n, d, m), m))
    problems = verify_backup(tampered, keys_of(KEYS))
    assert sorted(problems) == sorted([f"{first_object(source.manifest)}: checksum or size differs from the manifest",
                                       f"{USERS}: checksum or row count differs from the manifest"])


@pytest.mark.parametrize("cut", ["half", "last byte", "central directory"])
def test_a_truncated_archive_is_refused(cut, source, tmp_path):
    data = source.plain.read_bytes()
    keep = {"half": len(data) // 2, "last byte": len(data) - 1, "central directory": len(data) - 200}[cut]
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(data[:keep])
    assert verify_backup(truncated, keys_of(KEYS)) == [
        f"{truncated} is not a complete archive (cut short, or not an MCC backup)"]
    with empty_target("sqlite", tmp_path) as target:
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(truncated)])
        assert restored.exit_code != 0 and "damaged" in restored.output
        assert contents(target) == (0, [])


def test_another_installations_key_is_told_apart(source, tmp_path):
    with pytest.raises(BackupError, match="signed with another key") as error:
        verify_archive(source.plain, keys_of(OTHER_KEYS))
    assert keys_of(KEYS).key_id in error.value.message and keys_of(OTHER_KEYS).key_id in error.value.message
    with empty_target("sqlite", tmp_path, OTHER_KEYS) as target:
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(source.plain)])
        assert restored.exit_code != 0 and "MCC_BACKUP_KEY" in restored.output
        assert contents(target) == (0, [])


def test_the_key_falls_back_to_one_derived_from_the_secret_key(source, tmp_path):
    """Without MCC_BACKUP_KEY the signing key is HKDF(MCC_SECRET_KEY): another key, and a fixed one."""
    fallback = keys_of({"SECRET_KEY": "s" * 8 + "ecret-key-with-enough-variety-0123456789"})
    assert fallback.mac_source == "MCC_SECRET_KEY" and fallback.mac != keys_of(KEYS).mac
    assert fallback.mac == keys_of({"SECRET_KEY": "s" * 8 + "ecret-key-with-enough-variety-0123456789"}).mac
    with pytest.raises(BackupError, match="another key"):
        verify_archive(source.plain, fallback)


def test_a_weak_backup_key_is_refused():
    with pytest.raises(BackupError, match="MCC_BACKUP_KEY"):
        keys_of({"BACKUP_KEY": "changeme"})


def test_a_zip_that_is_not_a_backup_is_named(tmp_path):
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.jpg", b"...")
    assert "not an MCC backup" in verify_backup(other, keys_of(KEYS))[0]
