"""No text the add-on draws is cut off with "…", in any screenshot of the window visit (read by OCR).

Blender cuts a label wider than its room at draw time; Python never sees the cut, only the pixels
do. So every screenshot the visit and the Rig dialog run take (the sidebar, the Jobs panel with 30
jobs and its failed rows, offline, multiview, the context menus, the Texture and Rig dialogs,
Preferences with the add-on expanded, the Asset Browser on the Tripo library) is read with
Tesseract (``ocr.py``), in the boxes where the add-on draws, and any word followed by "…" or ".." fails the
test with the screenshot's path and the line as read. ``cut_sample.png`` shows a label Blender did cut, so the
check is seen to
fail when it should.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from typing import Any

import pytest

from . import ocr
from .conftest import (
    CROPS,
    OUT_DIR,
    RIG_SCREENSHOTS,
    SCREENSHOTS,
    DialogRun,
    Visit,
    _timings,
    enter_debian_root,
    run_folder,
)

CUT_SAMPLE = CROPS["cut_sample_screenshot"]
#: Every screenshot checked, by file name (the cut sample is the check's own test).
CHECKED = sorted({*SCREENSHOTS.values(), *CROPS.values(), *RIG_SCREENSHOTS.values()} - {CUT_SAMPLE})
MIN_LINES = 3  # fewer lines read than this: the OCR saw nothing, and a clean result would mean nothing
#: Blender's own menu items that end in "…" by its convention (they open a dialog), seen around
#: the add-on's submenu in the object context menu: Blender's text, not a cut.
BLENDER_ELLIPSES = ("Rename Active Object…", "Insert Keyframe with Keying Set…")
#: The line Blender itself draws in Preferences about every extension: its install path ("File
#: /…/extensions/user_default/tripo_blender/__init__.py"), which Blender shortens when the window
#: is narrow; read as one line or, in sparse mode, as "File" and the path. Not the add-on's text.
BLENDER_LINES = re.compile(r"^\W*File\s+/|/extensions/\w+/tripo_blender/")


def boxes_of(name: str, visit: Visit, dialog_run: DialogRun) -> list[list[int] | None]:
    """Where the add-on's text is in screenshot ``name`` (None: the whole image, a crop)."""
    if name in CROPS.values():
        return [None]
    if name in RIG_SCREENSHOTS.values():
        return [dialog_run.result.get("ocr_box")]
    key = next(key for key, file in SCREENSHOTS.items() if file == name)
    return visit.result.get("ocr_boxes", {}).get(key) or [None]


@pytest.fixture(scope="session")
def ocr_lines(visit: Visit, dialog_run: DialogRun) -> dict[str, list[str]]:
    """What Tesseract read in each screenshot (name -> lines); a missing screenshot reads as []."""
    read: dict[str, list[str]] = {}
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        root = enter_debian_root(stack)
        work = run_folder(stack, root, "tripo-ocr-")
        for name in [*CHECKED, CUT_SAMPLE]:
            if not (OUT_DIR / name).is_file():
                read[name] = []
                continue
            image = work / name
            shutil.copy(OUT_DIR / name, image)
            read[name] = []
            for box in boxes_of(name, visit, dialog_run):  # a box floats over the 3D view: read it both ways
                read[name] += ocr.read_text(root, image, work, box, (ocr.BLOCK, ocr.SPARSE) if box else (ocr.BLOCK,))
    _timings["ocr"] = time.monotonic() - started
    (OUT_DIR / "ocr.txt").write_text("".join(f"== {name}\n" + "\n".join(lines) + "\n" for name, lines in read.items()))
    return read


def intended_ellipses(visit: Visit) -> list[str]:
    """Texts drawn with a real "…": the add-on's menu items that open a dialog ("Texture…"), and
    Blender's own beside them."""
    menus = [visit.result.get(key) or {} for key in ("context_menu", "plain_context_menu")]
    buttons = [(visit.result.get("views_edit") or {}).get("intended") or ""]  # Edit Views…: it opens a dialog
    return [item["text"] for menu in menus for item in menu.get("items", [])] + buttons + list(BLENDER_ELLIPSES)


def test_the_crowd_shows_its_waiting_rows_and_summary(ocr_lines: dict[str, list[str]]) -> None:
    """crowd.png is checked for cut words like the others; this says it shows what it is for (the
    rows waiting in line and the summary line), so a clean result there means something."""
    text = " ".join(ocr_lines[CROPS["crowd_screenshot"]])
    assert "free slot" in text and "waiting" in text, ocr_lines[CROPS["crowd_screenshot"]]


@pytest.mark.parametrize("name", CHECKED)
def test_no_word_is_cut_off(name: str, ocr_lines: dict[str, list[str]], visit: Visit) -> None:
    lines = ocr_lines[name]
    path = OUT_DIR / name
    assert path.is_file(), f"{path} was not taken"
    assert len(lines) >= MIN_LINES, f"OCR read almost nothing in {path}: {lines}"
    cuts = ocr.cuts_in([line for line in lines if not BLENDER_LINES.search(line)], str(path), intended_ellipses(visit))
    assert not cuts, "text cut off:\n" + "\n".join(map(str, cuts))


def test_the_check_sees_a_line_blender_cut(ocr_lines: dict[str, list[str]]) -> None:
    """The cut sample's label is wider than the sidebar: Blender drew it cut, and the check says so."""
    lines = ocr_lines[CUT_SAMPLE]
    assert ocr.cuts_in(lines, CUT_SAMPLE), f"no cut found in {OUT_DIR / CUT_SAMPLE}; read: {lines}"


def joined(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize("key", ["context_menu", "plain_context_menu"])
def test_the_context_menu_shows_the_whole_tripo_submenu(
    key: str, visit: Visit, ocr_lines: dict[str, list[str]]
) -> None:
    """context_menu.png and plain_context_menu.png show every item the Tripo submenu drew, the last
    ones (Smart Segment, Smart Low Poly, Smart UV) too: the submenu opens from the bottom of a
    long menu and could run out of what is read, and then a clean cut check would mean nothing.
    The items' "…" is left out: Tesseract reads it as "...", ".." or nothing."""
    texts = [item["text"].rstrip("…") for item in (visit.result.get(key) or {}).get("items", [])]
    assert "Smart Segment" in texts, f"the {key} step recorded no Tripo submenu: {texts}"
    text = joined(ocr_lines[SCREENSHOTS[f"{key}_screenshot"]])
    missing = [item for item in texts if item not in text]
    assert not missing, f"not read in {OUT_DIR / SCREENSHOTS[f'{key}_screenshot']}: {missing}; read: {text}"


def test_offline_generate_is_greyed_with_the_reason_in_full(visit: Visit, ocr_lines: dict[str, list[str]]) -> None:
    offline: dict[str, Any] = visit.result.get("offline") or {}
    assert offline.get("online_access") is False, offline
    assert offline["generate_poll"] is False, "offline, Generate still invites a click"
    text = joined(ocr_lines[CROPS["offline_screenshot"]])
    assert "Allow Online Access" in text and "Preferences" in text, text


def test_multiview_inputs_leave_the_jobs_panel_on_screen(ocr_lines: dict[str, list[str]]) -> None:
    text = joined(ocr_lines[CROPS["multiview_screenshot"]])
    assert "Front" in text and "Right" in text, text
    assert "Clear Finished" in text, f"the Jobs panel is pushed off the sidebar by the multiview form: {text}"


def test_image_mode_offers_the_splat_and_depth_routes(ocr_lines: dict[str, list[str]]) -> None:
    """Image mode with an image: the two one-click routes, each with its price, in the real window."""
    text = joined(ocr_lines[CROPS["image_mode_screenshot"]])
    assert "Make Gaussian Splat" in text and "Make Depth Map" in text, text


def test_the_views_show_edit_views_with_its_price(ocr_lines: dict[str, list[str]]) -> None:
    """views_edit.png: Multiview mode's four views, with Edit Views… and its price a view under them."""
    text = joined(ocr_lines[CROPS["views_screenshot"]])
    assert "Edit Views" in text and "credits a view" in text and "Make Model" in text, text
    assert "Front" in text and "Right" in text, text


def test_the_asset_browser_names_the_tripo_library_and_its_results(ocr_lines: dict[str, list[str]]) -> None:
    """asset_browser.png: the library chosen in the header and the catalogs are "Tripo"'s, and the
    landed results are there by name, under their thumbnails."""
    text = joined(ocr_lines[CROPS["asset_browser_screenshot"]])
    assert "Tripo" in text, text
    for name in ("a small cat statue", "Suzanne (textured)"):
        assert name in text, f"{name!r} not in the Asset Browser: {text}"
