"""The atomic writer: the destination holds the old file or the complete new one."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.formats.atomic import STALE_SECONDS, atomic_output


def test_the_file_appears_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with atomic_output(out) as handle:
        handle.write("line\n")  # type: ignore[arg-type]
        assert not out.exists()
    assert out.read_text(encoding="utf-8") == "line\n"
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_full_disk_keeps_the_previous_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")

    def no_space(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("annotator.formats.atomic.os.fsync", no_space)
    expected = r"cannot write .*out\.jsonl: No space left on device"
    with pytest.raises(AnnotatorError, match=expected), atomic_output(out) as handle:
        handle.write("new export\n")  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_folder_that_does_not_exist_is_named(tmp_path: Path) -> None:
    with (
        pytest.raises(AnnotatorError, match=r"the folder .*missing does not exist"),
        atomic_output(tmp_path / "missing" / "out.jsonl"),
    ):
        pass


def test_partial_files_of_killed_exports_are_cleared_but_not_a_running_ones(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out[1].jsonl"  # a name with glob characters
    killed = tmp_path / ".out[1].jsonl.k1ll3d.partial"
    running = tmp_path / ".out[1].jsonl.runn1n.partial"
    other = tmp_path / ".other.jsonl.k1ll3d.partial"
    for leftover in (killed, running, other):
        leftover.write_text("half a line", encoding="utf-8")
    long_ago = time.time() - STALE_SECONDS - 60
    for leftover in (killed, other):
        os.utime(leftover, (long_ago, long_ago))
    with atomic_output(out) as handle:
        handle.write("line\n")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, running.name, other.name]
    )
