"""The download cache: per-task folders that can be listed, sized and cleared safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tripo_blender.jobs import Cache, InputFiles, local_paths


def _fill(cache: Cache, task_id: str, sizes: dict[str, int], mtime: float) -> Path:
    folder = cache.folder(task_id)
    folder.mkdir(parents=True)
    for name, size in sizes.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        os.utime(path, (mtime, mtime))
    os.utime(folder, (mtime, mtime))
    return folder


def test_entries_size_and_order(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    assert cache.entries() == [] and cache.size() == 0  # a missing root is an empty cache
    _fill(cache, "old-task", {"a.glb": 100, "b.webp": 20}, mtime=1_000_000)
    _fill(cache, "new-task", {"m.glb": 7, "unzipped/tex/c.png": 3}, mtime=2_000_000)
    (tmp_path / "cache" / "stray-file.txt").write_text("not a task folder")
    entries = cache.entries()
    assert [(e.task_id, e.size) for e in entries] == [("new-task", 10), ("old-task", 120)]
    assert cache.size() == 130


def test_clear_keeps_active_tasks_and_reports_bytes(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _fill(cache, "done-1", {"a.glb": 50}, mtime=1_000_000)
    _fill(cache, "done-2", {"b.glb": 25}, mtime=1_000_001)
    active = _fill(cache, "downloading", {"c.glb": 5}, mtime=1_000_002)
    assert cache.clear(keep={"downloading"}) == 75
    assert [e.task_id for e in cache.entries()] == ["downloading"]
    assert (active / "c.glb").exists()
    assert cache.remove("downloading") == 5
    assert cache.remove("downloading") == 0


@pytest.mark.parametrize("task_id", ["..", "../x", "a/b", "", ".hidden", "a\\b"])
def test_task_ids_cannot_escape_the_cache(tmp_path: Path, task_id: str) -> None:
    with pytest.raises(ValueError):
        Cache(tmp_path).folder(task_id)


def test_local_paths_finds_every_string_of_nested_params() -> None:
    params = {"prompt": "a cat", "images": ["/in/a.png", None, {"file": "/in/b.png"}], "texture": True, "seed": 3}
    assert local_paths(params) == {"a cat", "/in/a.png", "/in/b.png"}
    assert local_paths({}) == set()


def test_input_files_size_and_clear_keep_only_named_files(tmp_path: Path) -> None:
    inputs = InputFiles(tmp_path / "inputs")
    assert inputs.files() == [] and inputs.size() == 0 and inputs.clear([]) == 0  # no folder yet
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "needed.png").write_bytes(b"n" * 30)
    (folder / "done.png").write_bytes(b"d" * 20)
    (folder / "left.png.part").write_bytes(b"p" * 5)  # a write interrupted by a crash
    (folder / "sub").mkdir()  # not ours: left alone
    (folder / "sub" / "x.png").write_bytes(b"x" * 7)
    outside = tmp_path / "user.png"
    outside.write_bytes(b"u" * 11)
    (folder / "link.png").symlink_to(outside)
    assert inputs.size() == 55

    # paths as params hold them: absolute, maybe not normalised; relative strings (prompts) ignored
    freed = inputs.clear([str(folder / "sub" / ".." / "needed.png"), "done.png", str(outside)])
    assert freed == 25
    assert sorted(p.name for p in folder.iterdir()) == ["link.png", "needed.png", "sub"]
    assert outside.read_bytes() == b"u" * 11 and (folder / "sub" / "x.png").exists()
    assert inputs.size() == 30
