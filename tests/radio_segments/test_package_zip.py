"""The package zip: the same contents give the same bytes, whatever the files' own times or the order given."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from radio_segments.package_zip import PackageWriter, write_package
from tests.radio_segments.package_readers import sha256_of


def test_the_same_contents_give_the_same_bytes(tmp_path: Path) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(b"RIFF" + bytes(range(256)) * 40)
    day = date(2026, 11, 27)
    first = write_package(tmp_path / "a.zip", {"clips/01.wav": clip, "script.md": b"# Run sheet\n"}, stamp=day)
    os.utime(clip, (0, 1_000_000))  # the file's own time must not leak into the package
    second = write_package(tmp_path / "b.zip", {"script.md": b"# Run sheet\n", "clips/01.wav": clip}, stamp=day)
    assert first.sha256 == second.sha256 == sha256_of(tmp_path / "b.zip") and first.size == second.size
    with zipfile.ZipFile(first.path) as archive:
        assert archive.namelist() == ["clips/01.wav", "script.md"]
        assert archive.getinfo("clips/01.wav").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("script.md").compress_type == zipfile.ZIP_DEFLATED
        assert archive.getinfo("script.md").date_time == (2026, 11, 27, 0, 0, 0)
        assert archive.read("clips/01.wav") == clip.read_bytes()
    assert not list(tmp_path.glob("*.partial"))


def test_another_date_is_another_package(tmp_path: Path) -> None:
    one = write_package(tmp_path / "a.zip", {"x.md": b"x"}, stamp=date(2026, 11, 27))
    two = write_package(tmp_path / "b.zip", {"x.md": b"x"}, stamp=date(2026, 12, 4))
    assert one.sha256 != two.sha256


@pytest.mark.parametrize("name", ["../escape.wav", "/etc/passwd"])
def test_a_name_outside_the_package_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="unsafe"):
        write_package(tmp_path / "a.zip", {name: b"x"}, stamp=date(2026, 11, 27))


def test_an_error_on_the_way_leaves_no_package_and_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "episode.zip"
    with pytest.raises(RuntimeError, match="encoder died"), PackageWriter(target, stamp=date(2026, 11, 27)) as package:
        package.add("clips/01.wav", b"RIFF")
        raise RuntimeError("encoder died")
    assert list(tmp_path.iterdir()) == []


def test_a_name_given_twice_is_refused(tmp_path: Path) -> None:
    with PackageWriter(tmp_path / "a.zip", stamp=date(2026, 11, 27)) as package:
        package.add("script.md", b"x")
        with pytest.raises(ValueError, match="already"):
            package.add("script.md", b"y")
        package.finish()
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.namelist() == ["script.md"] and archive.read("script.md") == b"x"
