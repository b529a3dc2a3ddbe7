"""Read the window steps' screenshots with Tesseract and find words Blender cut off.

Why OCR: a label wider than its room is cut by Blender itself, at draw time, with "…" — nothing
in Python ever sees the cut text, so only the pixels can tell. Every screenshot the visit takes
is read here and the step fails on any word directly followed by "…" or "..", naming the
screenshot and the line as read.

Tesseract comes from Debian's registry, installed in the Debian root with Blender
(``tools.debian_root.BASE_PACKAGES``), and runs there through chroot like everything else of
the window steps. Blender's UI font is small (11 px at UI scale 1) and light on dark: each image
is enlarged :data:`SCALE` times, made grey and inverted (dark text on a light ground is what
Tesseract reads best) before it is read as a block of text (``--psm 6``: a sidebar, a column
of rows) and, where menus and dialogs float over the 3D view, also as sparse text (``--psm 11``);
a cut found by either counts.

Not every "…" is a cut: a menu item that opens a dialog ends in "…" by Blender's convention
("Texture…"). Those are passed in as ``intended`` (the texts the add-on itself drew with "…"):
a match is excused only when the word before the mark ends one of them. The bracketed elision
of a name shortened in the middle ("crate […] 12") is no cut either: no word touches the mark.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.debian_root import chroot_command

from .conftest import inside

SCALE = 3  # times the screenshot is enlarged before Tesseract reads it
BLOCK, SPARSE = 6, 11  # Tesseract's page segmentation modes: a uniform block of text; sparse text
OCR_TIMEOUT = 120  # seconds for one image in one mode
#: A word (letters or digits) directly followed by an ellipsis or two or more dots: what Blender's
#: cut looks like once read ("Prefere…", "Allow Online Acc...", "processed.. Check").
CUT_RE = re.compile(r"([0-9A-Za-z]+)(…|\.{2,})")


@dataclass(frozen=True)
class Cut:
    """One word read as cut off: where, and the whole line as Tesseract read it."""

    image: str
    line: str
    word: str

    def __str__(self) -> str:
        return f"{self.image}: {self.word}… in {self.line!r}"


def normalise(text: str) -> str:
    """Tesseract's spellings of an ellipsis ("...", "..", "…") as one "…"."""
    return re.sub(r"…|\.{2,}", "…", text)


def cuts_in(lines: Iterable[str], image: str, intended: Sequence[str] = ()) -> list[Cut]:
    """The cut words in OCR'd ``lines`` of ``image``; ``intended``: texts drawn with a real "…"."""
    allowed = {
        normalise(text).rstrip("…").split()[-1].casefold()
        for text in intended
        if normalise(text).endswith("…") and normalise(text).rstrip("…").split()
    }
    found: list[Cut] = []
    for line in lines:
        for match in CUT_RE.finditer(line):
            cut = Cut(image, line.strip(), match.group(1))
            # Tesseract may read an item's case wrong ("smart uv..." for "Smart UV…"): compared caseless
            if match.group(1).casefold() not in allowed and cut not in found:  # both page modes may read the same line
                found.append(cut)
    return found


def read_text(
    root: Path, image: Path, work: Path, box: Sequence[int] | None = None, modes: Sequence[int] = (BLOCK,)
) -> list[str]:
    """The lines Tesseract reads in ``image`` (or in ``box``: x, y, width, height), in each page
    segmentation mode of ``modes``. ``image`` and ``work`` are under ``root`` (the Debian root)."""
    prepared = work / f"{image.stem}-ocr.png"
    crop = ["-crop", "{2}x{3}+{0}+{1}".format(*box), "+repage"] if box else []
    subprocess.run(
        chroot_command(
            root,
            "convert",
            inside(root, image),
            *crop,
            "-colorspace",
            "Gray",
            "-resize",
            f"{SCALE * 100}%",
            "-negate",
            inside(root, prepared),
        ),
        check=True,
        capture_output=True,
        timeout=OCR_TIMEOUT,
    )
    lines: list[str] = []
    for mode in modes:
        done = subprocess.run(
            chroot_command(root, "tesseract", inside(root, prepared), "-", "--psm", str(mode)),
            capture_output=True,
            text=True,
            timeout=OCR_TIMEOUT,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tesseract failed on {image.name}: {done.stderr.strip()}")
        lines += [line for line in done.stdout.splitlines() if line.strip()]
    return lines
