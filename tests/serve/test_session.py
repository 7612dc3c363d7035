"""Watch mode's rebuilds: after any change, what is served is exactly what a full build of
the journal as it now is would make; errors keep the last good site and say what is wrong."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

import generator.serve.session
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.problems import problems_text
from generator.serve.changes import Change, classify
from generator.serve.server import Live
from generator.serve.session import EVERYTHING, WAITING_PAGE, Rebuilt, Session, follow_changes
from generator.serve.watch import Watcher
from generator.site.reflection_cache import KEEP_BUILDS

from ..conftest import REPOSITORY, TODAY
from ..helpers import example, rows

Edit = Callable[[Path], list[Path]]


def session(root: Path, publish: bool = False) -> Session:
    return Session(find_project(root), lambda: TODAY, publish, lambda path: path)


def entries(root: Path) -> list[Path]:
    return sorted((root / "journal" / "entries").rglob("*.md"))


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def edit_body(root: Path) -> list[Path]:
    target = entries(root)[3]
    append(target, "\nA new paragraph, written while the site was open.\n")
    return [target]


def edit_title(root: Path) -> list[Path]:
    target = entries(root)[5]
    text = target.read_text("utf-8")
    target.write_text(
        re.sub(r"(?m)^title: .*$", 'title: "A title changed"', text, count=1), "utf-8"
    )
    return [target]


def move_to_another_year(root: Path) -> list[Path]:
    target = entries(root)[7]
    text = target.read_text("utf-8")
    target.write_text(re.sub(r"(?m)^date: .*$", "date: 2026-05-04", text, count=1), "utf-8")
    return [target]


def delete_entry(root: Path) -> list[Path]:
    target = entries(root)[10]
    target.unlink()
    return [target]


def rename_entry(root: Path) -> list[Path]:
    source = entries(root)[11]
    target = source.with_name("2025-renamed-entry.md")
    source.rename(target)
    return [source, target]


def add_entry(root: Path) -> list[Path]:
    target = root / "journal" / "entries" / "2026-27" / "2026-06-01-new-webinar.md"
    target.write_text(
        '---\ntitle: "A new webinar"\ndate: 2026-06-01\nactivity: webinar\n'
        "hours: 1\ntags: [fresh-tag]\n---\n\nWhat I learned.\n",
        "utf-8",
    )
    return [target]


def edit_goal(root: Path) -> list[Path]:
    target = sorted((root / "journal" / "goals").glob("*.md"))[0]
    text = target.read_text("utf-8")
    target.write_text(re.sub(r"(?m)^title: .*$", 'title: "A goal renamed"', text, count=1), "utf-8")
    return [target]


def change_target(root: Path) -> list[Path]:
    config = root / "pdp.toml"
    append(config, "")
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"(?m)^target = .*$", "target = 45", text), "utf-8")
    assert "target = 45" in config.read_text("utf-8")
    return [config]


def override_template(root: Path) -> list[Path]:
    target = root / "themes" / "default" / "templates" / "macros.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shipped = REPOSITORY / "themes" / "default" / "templates" / "macros.html"
    target.write_text(shipped.read_text("utf-8").replace("</", "<!-- own theme --></", 1), "utf-8")
    return [target]


def delete_evidence(root: Path) -> list[Path]:
    target = next(
        path
        for path in sorted((root / "journal").rglob("*"))
        if path.is_file() and path.suffix != ".md"
    )
    target.unlink()
    return [target]


PRIVATE_ENTRY = "journal/entries/2025-26/2025-10-15-difficult-mentoring-conversation.md"
PLANNED_ENTRY = "journal/entries/2026-27/2027-03-10-leading-the-evaluation-network.md"


def edit_private_entry(root: Path) -> list[Path]:
    target = root / PRIVATE_ENTRY
    append(target, "\nA thought for me alone.\n")
    return [target]


def edit_planned_entry(root: Path) -> list[Path]:
    target = root / PLANNED_ENTRY
    append(target, "\nWhat I hope to learn.\n")
    return [target]


def add_private_section(root: Path) -> list[Path]:
    target = entries(root)[3]
    append(target, "\n## Private notes\n\nWhat I would not show anyone.\n")
    return [target]


def edit_private_section(root: Path) -> list[Path]:
    target = entries(root)[3]
    append(target, "\nAnd more that stays mine.\n")
    return [target]


def make_entry_private(root: Path) -> list[Path]:
    target = entries(root)[4]
    text = target.read_text("utf-8")
    target.write_text(text.replace("---\n", "---\nprivate: true\n", 1), "utf-8")
    return [target]


EDITS: list[Edit] = [
    edit_body,
    edit_private_entry,
    edit_planned_entry,
    add_private_section,
    edit_private_section,
    make_entry_private,
    edit_title,
    move_to_another_year,
    delete_entry,
    rename_entry,
    add_entry,
    edit_goal,
    change_target,
    override_template,
]


@pytest.mark.parametrize("publish", [False, True], ids=["own", "published"])
def test_every_rebuild_equals_a_full_build(tmp_path: Path, publish: bool) -> None:
    root = example(tmp_path)
    watching = session(root, publish)
    first = watching.build(EVERYTHING)
    assert not first.errors
    layout = watching.layout()
    for edit in EDITS:
        paths = [path.absolute().as_posix() for path in edit(root)]
        rebuilt = watching.build({classify(path, layout) for path in paths}, paths=paths)
        full = session(root, publish).build(EVERYTHING)
        assert not rebuilt.errors, (edit.__name__, rebuilt.errors)
        assert rebuilt.snapshot.files.keys() == full.snapshot.files.keys(), edit.__name__
        for path, data in full.snapshot.files.items():
            assert rebuilt.snapshot.files[path] == data, (edit.__name__, path)
        assert rebuilt.snapshot.copies == full.snapshot.copies, edit.__name__


def test_reflections_edited_remake_their_pages_and_packs_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    watching = session(root)
    first = watching.build(EVERYTHING).snapshot
    targets = [entries(root)[3], entries(root)[20]]
    for target in targets:
        append(target, "\nA new paragraph, written while the site was open.\n")

    def no_full_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full build, where the short way holds")

    monkeypatch.setattr(generator.serve.session, "make_site", no_full_build)
    rebuilt = watching.build({Change.ENTRY}, paths=[str(path) for path in targets])
    monkeypatch.undo()
    assert not rebuilt.errors
    changed = sorted(
        path for path, data in rebuilt.snapshot.files.items() if first.files[path] != data
    )
    years = sorted({f"pack/{target.parent.name}.html" for target in targets})
    assert changed == sorted([*(f"entries/{target.stem}.html" for target in targets), *years])
    assert rebuilt.snapshot.files == session(root).build(EVERYTHING).snapshot.files
    append(targets[0], "\nNow with [a broken link](nowhere.md).\n")
    broken = watching.build({Change.ENTRY}, paths=[str(targets[0])])
    assert [line for line in broken.errors if "nowhere.md" in line]
    assert broken.snapshot.files == rebuilt.snapshot.files  # the last good site stays


def test_the_published_site_takes_the_short_way_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    watching = session(root, publish=True)
    first = watching.build(EVERYTHING).snapshot

    def no_full_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full build, where the short way holds")

    monkeypatch.setattr(generator.serve.session, "make_site", no_full_build)
    hidden = edit_private_entry(root)[0]
    unchanged = watching.build({Change.ENTRY}, paths=[str(hidden)])
    assert (unchanged.errors, unchanged.snapshot.files) == ((), first.files)
    public = edit_body(root)[0]
    edited = watching.build({Change.ENTRY}, paths=[str(public)])
    private = add_private_section(root)[0]
    kept = watching.build({Change.ENTRY}, paths=[str(private)])
    monkeypatch.undo()
    assert edited.errors == kept.errors == ()
    changed = sorted(
        path for path, data in edited.snapshot.files.items() if first.files[path] != data
    )
    assert changed == [f"entries/{public.stem}.html", f"pack/{public.parent.name}.html"]
    assert kept.snapshot.files == edited.snapshot.files  # a private section is not published
    assert kept.snapshot.files == session(root, publish=True).build(EVERYTHING).snapshot.files


def test_the_short_way_never_starts_from_a_build_that_failed(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    watching.build(EVERYTHING)
    edited, broken, renamed = entries(root)[3], entries(root)[6], entries(root)[9]
    text = broken.read_text("utf-8")
    broken.write_text(text.replace("date: ", "date: not-a-", 1), "utf-8")
    assert watching.build({Change.ENTRY}, paths=[str(broken)]).errors
    renamed.write_text(
        re.sub(
            r"(?m)^title: .*$", 'title: "Renamed meanwhile"', renamed.read_text("utf-8"), count=1
        ),
        "utf-8",
    )
    assert watching.build({Change.ENTRY}, paths=[str(renamed)]).errors
    style = root / "themes" / "default" / "static" / "extra.css"
    style.parent.mkdir(parents=True)
    style.write_text("body { margin: 0 }\n", "utf-8")
    assert watching.build({Change.STYLE}, paths=[str(style)]).errors
    append(edited, "\nWritten while another entry was broken.\n")
    assert watching.build({Change.ENTRY}, paths=[str(edited)]).errors  # still broken
    broken.write_text(text, "utf-8")
    append(broken, "\nFixed, and a paragraph more.\n")
    fixed = watching.build({Change.ENTRY}, paths=[str(broken)])
    assert not fixed.errors
    assert fixed.snapshot.files == session(root).build(EVERYTHING).snapshot.files


class _Batches(Watcher):
    """A watcher that sees the given batches of changed paths, then stops."""

    def __init__(self, ended: threading.Event, batches: list[list[str]]) -> None:
        self.ended, self.batches = ended, batches

    def next_batch(self, stop: threading.Event, timeout: float | None = None) -> list[str]:
        batch = self.batches.pop(0)
        if not self.batches:
            self.ended.set()
        return batch


def test_a_save_through_a_temporary_file_goes_the_short_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    watching = session(root)
    live = Live(watching.build(EVERYTHING).snapshot)
    target = entries(root)[3]
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(target.read_text("utf-8") + "\nSaved the safe way.\n", "utf-8")
    os.replace(temporary, target)
    full_builds: list[object] = []
    monkeypatch.setattr(
        generator.serve.session, "make_site", lambda *args, **kwargs: full_builds.append(args)
    )
    stop = threading.Event()
    rebuilt: list[Rebuilt] = []
    batch = [str(temporary), str(target), str(target.with_name(target.name + "~"))]
    follow_changes(watching, _Batches(stop, [batch]), live, stop, rebuilt.append)
    assert full_builds == []
    assert not rebuilt[0].errors
    assert b"Saved the safe way." in live.current()[1].files[f"entries/{target.stem}.html"]


def test_evidence_that_goes_is_an_error_shown_and_then_fixed(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    good = watching.build(EVERYTHING).snapshot
    gone = delete_evidence(root)[0]
    rebuilt = watching.build({Change.EVIDENCE})
    expected = problems_text(open_journal(find_project(root), TODAY).errors, lambda p: p)
    assert rebuilt.errors == tuple(expected.splitlines())
    assert gone.name in "\n".join(rebuilt.errors)
    assert rebuilt.snapshot.files is good.files  # the last good site, still served
    gone.write_bytes(b"back again")
    assert watching.build({Change.EVIDENCE}).errors == ()


def test_a_broken_entry_keeps_the_last_good_site_until_it_is_fixed(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    good = watching.build(EVERYTHING).snapshot
    target = entries(root)[2]
    original = target.read_text("utf-8")
    target.write_text(original.replace("hours:", "hours: lots\nhourz:", 1), "utf-8")
    broken = watching.build({Change.ENTRY})
    relative = target.relative_to(root).as_posix()
    assert broken.errors and all(line.startswith((relative, "    hint:")) for line in broken.errors)
    assert broken.snapshot.files is good.files
    assert broken.snapshot.errors == broken.errors
    target.write_text(original, "utf-8")
    fixed = watching.build({Change.ENTRY})
    assert fixed.errors == ()
    assert fixed.snapshot.files == good.files


def test_a_journal_broken_from_the_start_shows_a_waiting_page(tmp_path: Path) -> None:
    root = example(tmp_path)
    (root / "pdp.toml").write_text("name = 3\n", "utf-8")
    rebuilt = session(root).build(EVERYTHING)
    assert rebuilt.snapshot.files == {"index.html": WAITING_PAGE}
    assert rebuilt.errors[0].startswith("pdp.toml:1:")


def test_a_theme_that_fails_is_shown_not_raised(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    watching.build(EVERYTHING)
    broken = root / "themes" / "default" / "templates" / "entry.html"
    broken.parent.mkdir(parents=True)
    broken.write_text("{{ no_such_thing.at_all }}", "utf-8")
    rebuilt = watching.build({Change.THEME})
    assert rebuilt.errors == (
        "pdp: error: the theme's template entry.html failed: 'no_such_thing' is undefined",
        "  hint: fix the template in your theme folder",
    )
    broken.unlink()
    assert watching.build({Change.THEME}).errors == ()


def test_a_stylesheet_change_rebuilds_nothing(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    good = watching.build(EVERYTHING).snapshot
    rebuilt = watching.build({Change.STYLE})
    assert rebuilt.snapshot.styles_only
    assert rebuilt.snapshot.files is good.files


def test_output_inside_the_journal_is_refused_before_serving(tmp_path: Path) -> None:
    root = example(tmp_path)
    os.symlink(root / "journal", root / "site")
    with pytest.raises(Exception, match="overlaps journal"):
        session(root)


def test_what_a_theme_or_configuration_mistake_raises_is_shown(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    good = watching.build(EVERYTHING).snapshot
    own = root / "themes" / "default" / "templates" / "entry.html"
    own.parent.mkdir(parents=True)
    own.write_text("{{ 1 // 0 }}", "utf-8")
    rebuilt = watching.build({Change.THEME})
    assert rebuilt.errors == (
        "pdp: error: the theme's template entry.html failed: ZeroDivisionError: "
        "integer division or modulo by zero",
        "  hint: fix the template in your theme folder",
    )
    own.unlink()
    config = root / "pdp.toml"
    kept = config.read_text("utf-8")
    config.unlink()
    gone = watching.build({Change.CONFIG})
    assert gone.errors[0] == "pdp: error: no journal project here or in any folder above it"
    assert gone.snapshot.files is good.files
    config.write_text(kept, "utf-8")
    assert watching.build({Change.CONFIG}).snapshot.files == good.files


def test_a_new_template_in_an_existing_theme_folder_is_used(tmp_path: Path) -> None:
    root = example(tmp_path)
    templates = root / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "unrelated.html").write_text("not used\n", "utf-8")
    watching = session(root)
    watching.build(EVERYTHING)
    changed = override_template(root)
    rebuilt = watching.build({classify(changed[0].as_posix(), watching.layout())})
    assert any(b"<!-- own theme -->" in data for data in rebuilt.snapshot.files.values())
    assert rebuilt.snapshot.files == session(root).build(EVERYTHING).snapshot.files


def test_a_stylesheet_saved_while_the_journal_is_broken_keeps_the_errors(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    watching.build(EVERYTHING)
    target = entries(root)[2]
    target.write_text(target.read_text("utf-8").replace("hours:", "hours: lots\nx:", 1), "utf-8")
    broken = watching.build({Change.ENTRY})
    own = root / "themes" / "default" / "static" / "style.css"
    own.parent.mkdir(parents=True)
    own.write_text("body { color: red; }\n", "utf-8")
    styled = watching.build({Change.STYLE})
    assert styled.errors == broken.errors
    assert styled.snapshot.styles_only
    assert styled.snapshot.copies["static/style.css"] == own
    own.unlink()
    unstyled = watching.build({Change.STYLE})
    assert unstyled.snapshot.copies["static/style.css"] != own
    assert unstyled.snapshot.copies["static/style.css"].is_file()


def test_watch_mode_keeps_the_build_cache_whole(tmp_path: Path) -> None:
    root = example(tmp_path)
    watching = session(root)
    watching.build(EVERYTHING)
    before = rows(root)
    for number in range(KEEP_BUILDS + 2):
        append(entries(root)[0], f"\nEdit number {number}.\n")
        assert watching.build({Change.ENTRY}).errors == ()
    assert rows(root) >= before


def test_private_evidence_written_in_markdown_is_checked_again(tmp_path: Path) -> None:
    root = example(tmp_path)
    notes = root / "journal" / "files" / "notes.md"
    notes.parent.mkdir()
    notes.write_text("# My notes\n", "utf-8")
    target = entries(root)[1]
    text = target.read_text("utf-8")
    target.write_text(
        text.replace("\n---\n", "\nprivate_evidence: [../../files/notes.md]\n---\n", 1), "utf-8"
    )
    for publish in (False, True):
        watching = session(root, publish)
        assert watching.build(EVERYTHING).errors == ()
        notes.rename(notes.with_name("moved.md"))
        changed = {classify(notes.as_posix(), watching.layout())}
        assert changed == {Change.EVIDENCE}
        assert "error[V010]" in "\n".join(watching.build(changed).errors)
        notes.with_name("moved.md").rename(notes)


def test_git_is_watched_where_it_keeps_its_folder(tmp_path: Path) -> None:
    repository = tmp_path / "repository"
    repository.mkdir()
    root = example(repository)
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    watching = session(root)
    assert watching.git_folders == ((repository / ".git").resolve(),)
    ref = (repository / ".git" / "refs" / "heads" / "main").as_posix()
    assert classify(ref, watching.layout()) is Change.HISTORY
    (tmp_path / "elsewhere").mkdir()
    assert session(example(tmp_path / "elsewhere")).git_folders == ()


class _Quiet(Watcher):
    """A watcher that never sees a change: only the day can move."""

    def __init__(self, ended: threading.Event, batches: int) -> None:
        self.ended, self.batches = ended, batches

    def next_batch(self, stop: threading.Event, timeout: float | None = None) -> list[str]:
        self.batches -= 1
        if self.batches <= 0:
            self.ended.set()
        return []


def test_a_new_day_rebuilds_without_a_change(tmp_path: Path) -> None:
    root = example(tmp_path)
    days = iter([TODAY, TODAY, TODAY + timedelta(days=1)] + [TODAY + timedelta(days=1)] * 9)
    watching = Session(find_project(root), lambda: next(days), False, lambda path: path)
    live = Live(watching.build(EVERYTHING).snapshot)
    stop = threading.Event()
    rebuilt: list[Rebuilt] = []
    follow_changes(watching, _Quiet(stop, 3), live, stop, rebuilt.append)
    assert len(rebuilt) == 1
    assert rebuilt[0].changes == frozenset()
    assert live.current()[0] == 2


# What a published preview shows of problems that may tell private text

SECRET = "SECRET-DIAGNOSIS-7f3a"
LEFT_OUT = "(details in the terminal only: the file may be private)"


def break_hours(root: Path, relative: str, front: str = "") -> None:
    """Give a file hours that tell a secret (and `front` as more front matter)."""
    target = root / relative
    text = target.read_text("utf-8")
    text = re.sub(r"(?m)^hours: .*$", f'hours: "{SECRET}"', text, count=1)
    target.write_text(text.replace("---\n", f"---\n{front}", 1), "utf-8")


def public_entry(root: Path) -> str:
    return entries(root)[2].relative_to(root).as_posix()


@pytest.mark.parametrize(
    ("case", "front"),
    [
        ("private", ""),
        ("private: null", "private:\n"),  # cannot tell: private
        ("private: a word", "private: maybe\n"),
    ],
    ids=["private", "null", "word"],
)
def test_a_published_preview_names_only_file_and_code_of_a_private_files_problem(
    tmp_path: Path, case: str, front: str
) -> None:
    root = example(tmp_path)
    relative = PRIVATE_ENTRY if case == "private" else public_entry(root)
    if front:
        text = (root / relative).read_text("utf-8")
        (root / relative).write_text(re.sub(r"(?m)^private: .*\n", "", text), "utf-8")
    break_hours(root, relative, front)
    published = session(root, publish=True).build(EVERYTHING)
    own = session(root).build(EVERYTHING)
    assert SECRET in "\n".join(own.snapshot.errors)  # the member's own preview: in full
    assert published.errors == own.errors  # the terminal: in full
    assert SECRET not in "\n".join(published.snapshot.errors)
    codes = sorted(
        {
            line.split("[")[1].split("]")[0]
            for line in own.snapshot.errors
            if line.startswith(relative)
        }
    )
    assert "V004" in codes
    assert published.snapshot.errors == tuple(
        f"{relative}: error[{code}] {LEFT_OUT}" for code in codes
    )


def test_a_published_preview_shows_a_public_files_problem_in_full(tmp_path: Path) -> None:
    root = example(tmp_path)
    break_hours(root, public_entry(root))
    published = session(root, publish=True).build(EVERYTHING)
    assert published.snapshot.errors == published.errors
    assert SECRET in "\n".join(published.snapshot.errors)


def test_a_file_whose_front_matter_cannot_be_read_is_taken_as_private(tmp_path: Path) -> None:
    root = example(tmp_path)
    target = root / public_entry(root)
    target.write_text(f"---\ntitle: [{SECRET}\n---\n\nNotes.\n", "utf-8")
    relative = target.relative_to(root).as_posix()
    published = session(root, publish=True).build(EVERYTHING)
    assert published.errors[0].startswith(f"{relative}:3:1: error[F006] front matter is not ")
    assert published.snapshot.errors == (f"{relative}: error[F006] {LEFT_OUT}",)


def test_a_published_preview_names_no_private_evidence(tmp_path: Path) -> None:
    root = example(tmp_path)
    target = entries(root)[1]
    text = target.read_text("utf-8")
    target.write_text(
        text.replace("\n---\n", f"\nprivate_evidence: [{SECRET}.pdf]\n---\n", 1), "utf-8"
    )
    relative = target.relative_to(root).as_posix()
    published = session(root, publish=True).build(EVERYTHING)
    assert any(SECRET in line for line in published.errors)
    assert published.snapshot.errors == (f"{relative}: error[V010] {LEFT_OUT}",)


def test_a_bug_in_a_published_preview_shows_only_its_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)

    def failing(*args: object, **kwargs: object) -> None:
        raise ValueError(SECRET)

    monkeypatch.setattr(generator.serve.session, "make_site", failing)
    published = session(root, publish=True).build(EVERYTHING)
    hint = "  hint: this is a bug in pdp, not in your journal; the last good site is still served"
    assert published.errors == (f"pdp: internal error while building: ValueError: {SECRET}", hint)
    assert published.snapshot.errors == (
        f"pdp: internal error while building: ValueError {LEFT_OUT}",
        hint,
    )
