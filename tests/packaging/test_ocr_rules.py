"""The OCR check's rule (tests/ui/ocr.py) on lines as Tesseract reads them, without a window.

The window steps read every screenshot and fail on a cut word; here the rule itself: what counts
as Blender's cut, what is excused (a menu item that opens a dialog ends in "…" on purpose; a name
shortened in the middle has a bracketed " […] " that touches no word), and what the failure says.
"""

from __future__ import annotations

from tests.ui.ocr import cuts_in


def test_blenders_cuts_are_found_however_tesseract_spells_the_ellipsis() -> None:
    lines = [
        "A Online access is off: enable Prefere…",
        "Network > Allow Online Acc...",
        "The model was processed.. Check the folder",
        "60 held for run… tasks",
    ]
    found = cuts_in(lines, "build/ui/5.2/sidebar.png")
    assert [cut.word for cut in found] == ["Prefere", "Acc", "processed", "run"]
    assert str(found[0]) == "build/ui/5.2/sidebar.png: Prefere… in 'A Online access is off: enable Prefere…'"


def test_whole_lines_and_spaced_elisions_are_not_cuts() -> None:
    lines = [
        "Key OK: 9620 credits (checked 16:52)",
        "> wooden crate […] (model 12)",
        "> Animate a [...] (walk, run)",
        "1-10 of 30 >",
        "v2.5",
    ]
    assert cuts_in(lines, "jobs.png") == []


def test_a_menu_item_that_opens_a_dialog_may_end_in_an_ellipsis_but_a_cut_of_it_may_not() -> None:
    intended = ["Texture…", "Rig…", "Retarget Animations…", "Convert"]
    assert cuts_in(["Texture...", "Retarget Animations…", "Rig…"], "menu.png", intended) == []
    assert [cut.word for cut in cuts_in(["Textu…", "Retarget Anim…"], "menu.png", intended)] == ["Textu", "Anim"]
