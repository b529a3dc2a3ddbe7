"""Every document the repository cites is in the repository (or is a public URL), and every
``docs/<page>.md#<anchor>`` it cites is a heading of that page.

Why: the code used to cite the team's notes outside the repository ("wire reference §11 S1",
"blender-notes §4", "the seed"), which the next engineer cannot open. A citation is now a path
under ``docs/`` with a section anchor, and this check keeps it so: a "§" with no file beside it,
one of the old names with no ``docs/`` path, a path out of the repository, or an anchor that is no
heading (a section renamed or removed) fails here, naming the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
#: Where citations are written: the add-on, its tests, tools and benchmarks, the build files, docs.
SCANNED = (
    "tripo_blender",
    "tests",
    "tools",
    "bench",
    "docs",
    "README.md",
    "build.py",
    "pyproject.toml",
    "blender_manifest.toml",
)
SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".sh"}
SKIPPED_DIRS = {"__pycache__", "assets", ".venv"}
THIS = Path(__file__).resolve()

#: A citation of a page of docs/, with its anchors: ``docs/apiv3.md#routes, #prices``.
DOC_CITATION = re.compile(r"docs/([\w-]+\.md)((?:#[\w-]+)?(?:,\s*#[\w-]+)*)")
#: A link inside a page of docs/: ``[text](sources.md#task-list)`` or ``[text](#polling)``.
DOC_LINK = re.compile(r"\]\(((?:[\w-]+\.md)?)(#[\w-]+)?\)")
#: Names of the notes that live outside the repository.
OLD_NAMES = re.compile(
    r"wire reference|wire notes|wire protocol\s*§|\bwire\s*§|blender[- ]notes(?!\.md)", re.IGNORECASE
)
#: SDK 0.3.0 under its old nickname; "the seeds" and "the seed Tripo chose" are random seeds.
SEED_SDK = re.compile(r"\bthe seed\b(?!s\b|\s+(?:Tripo|parameters?|value|number)\b)", re.IGNORECASE)
OUTSIDE = re.compile(r"\.\./(?:shared|seed|reference)\b|/work/shared\b")


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in paths:
            rel = path.relative_to(ROOT).parts
            if path.is_file() and path.suffix in SUFFIXES and not SKIPPED_DIRS & set(rel) and path.resolve() != THIS:
                found.append(path)
    return found


FILES = _files()


def _slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {
        _slug(line.lstrip("#")) for line in page.read_text(encoding="utf-8").splitlines() if re.match(r"#{1,6} ", line)
    }


def _lines(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1))


def test_the_scan_sees_the_code_and_the_docs() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in FILES}
    assert {
        "tripo_blender/client/routes.py",
        "docs/apiv3.md",
        "docs/sources.md",
        "README.md",
        "pyproject.toml",
    } <= names, "the citation check does not read the files it guards"


def test_slugs_follow_github() -> None:
    assert _slug("Output link lifetime") == "output-link-lifetime"
    assert _slug("The SDK 0.3.0 surface (kept)") == "the-sdk-030-surface-kept"
    assert _slug("Rig-check skeleton") == "rig-check-skeleton"


def test_no_citation_points_outside_the_repository() -> None:
    bad = []
    for path in FILES:
        for number, line in _lines(path):
            where = f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            cites_file = DOC_CITATION.search(line) or "http" in line or DOC_LINK.search(line)
            if "§" in line and not cites_file:
                bad.append(f"{where}  ('§' with no file: cite docs/<page>.md#<section>)")
            if OLD_NAMES.search(line) and not DOC_CITATION.search(line):
                bad.append(f"{where}  (notes outside the repository: cite docs/<page>.md#<section>)")
            if SEED_SDK.search(line) and not DOC_CITATION.search(line):
                bad.append(f"{where}  ('the seed': say SDK 0.3.0, see docs/sdk-surface.md)")
            if OUTSIDE.search(line):
                bad.append(f"{where}  (a path out of the repository)")
    assert not bad, "citations the next engineer cannot open:\n" + "\n".join(bad)


def test_every_cited_section_is_a_heading() -> None:
    bad = []
    cited = 0
    for path in FILES:
        in_docs = path.parent == DOCS
        for number, line in _lines(path):
            found = [(DOCS / page, anchors) for page, anchors in DOC_CITATION.findall(line)]
            if in_docs:
                found += [(DOCS / page if page else path, anchor) for page, anchor in DOC_LINK.findall(line)]
            for page, anchors in found:
                cited += 1
                where = f"{path.relative_to(ROOT)}:{number}"
                if not page.is_file():
                    bad.append(f"{where}: {page.relative_to(ROOT)} does not exist")
                    continue
                for anchor in re.findall(r"#([\w-]+)", anchors):
                    if anchor not in _anchors(page):
                        bad.append(f"{where}: {page.relative_to(ROOT)} has no heading '#{anchor}'")
    assert cited > 50, f"only {cited} citations of docs/ found: is the pattern still right?"
    assert not bad, "cited sections that do not exist:\n" + "\n".join(bad)


@pytest.mark.parametrize("page", ["apiv3.md", "sources.md", "blender-notes.md", "sdk-surface.md"])
def test_cited_pages_exist_and_link_tripo_public_docs(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    assert text.startswith("# "), f"docs/{page} has no title"
    if page in ("apiv3.md", "sdk-surface.md", "sources.md"):
        assert "https://github.com/VAST-AI-Research/tripo-python-sdk" in text, f"docs/{page} does not link the SDK"
