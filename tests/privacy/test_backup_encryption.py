"""`create --encrypt`: the whole archive is AES-256-GCM in authenticated segments. Without the key nothing can be
read; with it `verify` and `restore` decrypt on the fly; any change to the ciphertext is found."""

import io
import json
import os
import zipfile

import pytest

from app.backup import BackupError, verify_archive, verify_backup
from app.backup.common import ArchiveDamaged
from app.backup.keys import BackupKeys, parse_encryption_key
from app.backup.sealed import HEADER_SIZE, TAG, SealingWriter, UnsealingReader
from tests.dbutil import BACKENDS, fresh_database
from tests.privacy.backups import (
    KEYS,
    OTHER_KEYS,
    contents,
    empty_target,
    keys_of,
    make_source,
    restored_as_source,
    seeded_app,
)

SEGMENT = 1024  # small segments: many of them in a small test file
STRIDE = SEGMENT + TAG


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_source(tmp_path_factory)


def test_an_encrypted_archive_reveals_nothing(source):
    data = source.encrypted.read_bytes()
    assert not zipfile.is_zipfile(source.encrypted)
    email = json.loads(source.rows["users"][0])["email"].encode()
    assert b"tables/users.jsonl" in source.plain.read_bytes()  # a plain ZIP shows its names
    for clear in (b"manifest.json", b"users.jsonl", b"$argon2", email):
        assert clear not in data
    assert verify_backup(source.encrypted, keys_of(KEYS)) == []
    assert verify_archive(source.encrypted, keys_of(KEYS)).encrypted


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_encrypted_archive_restores_only_with_its_key(backend, source, tmp_path):
    without_key = {"BACKUP_KEY": KEYS["BACKUP_KEY"]}
    with empty_target(backend, tmp_path, without_key) as target:
        runner = target.test_cli_runner()
        for command in ("verify", "restore"):
            result = runner.invoke(args=["backup", command, str(source.encrypted)])
            assert result.exit_code != 0
            assert "encrypted: set MCC_BACKUP_ENCRYPTION_KEY to the key it was made with" in result.output
        assert contents(target) == (0, [])
    wrong_key = {**KEYS, "BACKUP_ENCRYPTION_KEY": OTHER_KEYS["BACKUP_ENCRYPTION_KEY"]}
    with empty_target(backend, tmp_path, wrong_key) as target:
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(source.encrypted)])
        assert result.exit_code != 0 and "encrypted with another key" in result.output
        assert contents(target) == (0, [])
    with empty_target(backend, tmp_path) as target:
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(source.encrypted)])
        assert result.exit_code == 0, result.output
        assert restored_as_source(target, source)


def test_a_passphrase_encrypts_and_is_needed_to_restore(tmp_path):
    archive = tmp_path / "mcc.mccbackup"
    with fresh_database("sqlite", tmp_path) as url:
        app = seeded_app(url, tmp_path / "media")
        made = app.test_cli_runner().invoke(args=["backup", "create", "--passphrase", str(archive)],
                                            env={"MCC_BACKUP_PASSPHRASE": "correct horse battery staple"})
        assert made.exit_code == 0 and "encrypted" in made.output, made.output
    assert not zipfile.is_zipfile(archive)
    with empty_target("sqlite", tmp_path) as target:
        runner = target.test_cli_runner()
        result = runner.invoke(args=["backup", "restore", str(archive)])  # the key is set, but no passphrase
        assert result.exit_code != 0 and "--passphrase" in result.output
        result = runner.invoke(args=["backup", "restore", str(archive)], env={"MCC_BACKUP_PASSPHRASE": "wrong"})
        assert result.exit_code != 0 and "encrypted with another passphrase" in result.output
        assert contents(target) == (0, [])
        result = runner.invoke(args=["backup", "restore", "--passphrase", str(archive)],
                               input="correct horse battery staple\n")
        assert result.exit_code == 0, result.output
        assert contents(target)[0] > 100


def test_create_encrypt_without_a_key_says_what_is_needed(source, tmp_path):
    with empty_target("sqlite", tmp_path, {"BACKUP_KEY": KEYS["BACKUP_KEY"]}) as app:
        result = app.test_cli_runner().invoke(args=["backup", "create", "--encrypt", str(tmp_path / "x")])
        assert result.exit_code != 0 and "MCC_BACKUP_ENCRYPTION_KEY" in result.output
    assert not (tmp_path / "x").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".x")]


# -- the stream itself ------------------------------------------------------------------------------------------
def sealed(plain: bytes, keys: BackupKeys | None = None, writes: int = 7) -> bytes:
    out = io.BytesIO()
    writer = SealingWriter(out, keys or keys_of(KEYS), segment=SEGMENT)
    step = max(1, len(plain) // writes)
    for start in range(0, len(plain), step):
        writer.write(plain[start:start + step])
    writer.close()
    return out.getvalue()


def opened(data: bytes, keys: BackupKeys | None = None) -> UnsealingReader:
    return UnsealingReader(io.BytesIO(data), keys or keys_of(KEYS))


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 5 * SEGMENT + 17])
def test_the_stream_round_trips_and_seeks(size):
    plain = os.urandom(size)
    reader = opened(sealed(plain))
    assert reader.size == size and reader.read() == plain
    for offset in (0, size // 3, max(0, size - 5)):
        reader.seek(offset)
        assert reader.read(700) == plain[offset:offset + 700]
    reader.seek(-min(size, 10), os.SEEK_END)
    assert reader.read() == plain[-min(size, 10):] if size else reader.read() == b""
    reader.authenticate_rest()
    assert reader.authenticated == set(range(reader.segments))


def segments(data: bytes) -> tuple[bytes, list[bytes]]:
    body = data[HEADER_SIZE:]
    return data[:HEADER_SIZE], [body[i:i + STRIDE] for i in range(0, len(body), STRIDE)]


def read_all(data: bytes) -> bytes:
    reader = opened(data)
    plain = reader.read()
    reader.authenticate_rest()
    return plain


PLAIN = bytes(range(256)) * 20  # 5 segments


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1:]


def swap_two(data: bytes) -> bytes:
    header, parts = segments(data)
    parts[1], parts[2] = parts[2], parts[1]
    return header + b"".join(parts)


def drop_one(data: bytes) -> bytes:
    header, parts = segments(data)
    return header + b"".join(parts[:1] + parts[2:])


def cut_at_a_segment_boundary(data: bytes) -> bytes:
    return data[:HEADER_SIZE + 2 * STRIDE]


def repeat_the_last(data: bytes) -> bytes:
    header, parts = segments(data)
    return header + b"".join([*parts[:-1], parts[-2], parts[-1]])


DAMAGES = {
    "a ciphertext byte flipped": lambda d: flip(d, HEADER_SIZE + STRIDE + 5),
    "a tag byte flipped": lambda d: flip(d, len(d) - 1),
    "the nonce prefix in the header flipped": lambda d: flip(d, HEADER_SIZE - 17),
    "two segments swapped": swap_two,
    "a segment dropped": drop_one,
    "a segment repeated": repeat_the_last,
    "cut at a segment boundary": cut_at_a_segment_boundary,
    "cut inside a segment": lambda d: d[:-100],
    "cut inside the last tag": lambda d: d[:-3],
    "only the header left": lambda d: d[:HEADER_SIZE],
    "cut inside the header": lambda d: d[:HEADER_SIZE - 1],
    "bytes appended": lambda d: d + b"\0" * 40,
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_every_change_to_the_stream_is_found(damage):
    data = sealed(PLAIN)
    assert read_all(data) == PLAIN
    with pytest.raises(ArchiveDamaged):
        read_all(DAMAGES[damage](data))


def test_a_changed_file_salt_reads_as_another_key():
    data = sealed(PLAIN)
    with pytest.raises(BackupError, match="another key"):
        read_all(flip(data, HEADER_SIZE - 40))


@pytest.mark.parametrize("damage", ["a ciphertext byte flipped", "cut at a segment boundary", "bytes appended"])
def test_a_damaged_encrypted_archive_is_refused(damage, source, tmp_path):
    data = source.encrypted.read_bytes()
    if damage == "a ciphertext byte flipped":
        damaged = flip(data, HEADER_SIZE + (len(data) - HEADER_SIZE) // 2)
    elif damage == "cut at a segment boundary":
        stride = 64 * 1024 + TAG
        damaged = data[:HEADER_SIZE + ((len(data) - HEADER_SIZE) // stride) * stride]
    else:
        damaged = data + data[HEADER_SIZE:HEADER_SIZE + 64]
    path = tmp_path / "damaged.mccbackup"
    path.write_bytes(damaged)
    assert verify_backup(path, keys_of(KEYS))
    with empty_target("sqlite", tmp_path) as target:
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
        assert result.exit_code != 0 and "damaged" in result.output
        assert contents(target) == (0, [])


@pytest.mark.parametrize("written", ["00" * 32, "ab" * 32, "q83vEjRWeJC7zd7_EjRWeJC7zd7vEjRWeJC7zd7vEjQ",
                                     "q83vEjRWeJC7zd7/EjRWeJC7zd7vEjRWeJC7zd7vEjQ="])
def test_encryption_keys_are_read_from_hex_or_base64(written):
    assert len(parse_encryption_key(written)) == 32


@pytest.mark.parametrize("written", ["", "short", "ab" * 31, "a" * 60])
def test_a_malformed_encryption_key_is_refused(written):
    with pytest.raises(BackupError, match="generate-key"):
        parse_encryption_key(written)


def test_generate_key_makes_a_usable_key(tmp_path):
    with empty_target("sqlite", tmp_path) as app:
        printed = app.test_cli_runner().invoke(args=["backup", "generate-key"]).output.strip()
    assert len(parse_encryption_key(printed)) == 32 and keys_of({"BACKUP_KEY": printed}).mac_source == "MCC_BACKUP_KEY"
