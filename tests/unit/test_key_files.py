"""Secret key files: owner-only from the first byte, and rotation that keeps the previous key."""

from __future__ import annotations

import stat

import pytest

from jifen.key_files import create_ring, read_ring, rotate_ring


def test_a_new_key_ring_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "keys" / "pickup.keys"

    assert create_ring(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [(key_id, secret)] = read_ring(path)
    assert key_id and ":" not in key_id and len(secret) == 32
    assert not create_ring(path) and read_ring(path) == [(key_id, secret)]


def test_rotation_puts_a_new_key_first_and_keeps_only_the_one_before(tmp_path):
    path = tmp_path / "pickup.keys"
    create_ring(path)
    [first] = read_ring(path)

    second = rotate_ring(path)
    third = rotate_ring(path)

    assert [key_id for key_id, _ in read_ring(path)] == [third, second]
    assert first[0] not in (second, third)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_key_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "pickup.keys"
    path.write_text("k1 abcd\n")
    with pytest.raises(ValueError, match=r"pickup\.keys:1"):
        read_ring(path)
