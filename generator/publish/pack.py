"""`pdp pack`: the published portfolio as one zip to hand over, with checksums, and the
year's review pack as a PDF when Chromium is there to print it."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

from msgspec import Struct

from ..errors import PdpError, UsageError
from ..journal.compute import PerformanceYear
from ..journal.load import Project, leads_to
from ..journal.names import slugify
from ..model import Problem
from ..progress import NO_PROGRESS, Progress
from ..site.build import build_site
from ..site.output import MARKER, own_folders
from ..site.review_pack import PACK_TITLE

MANIFEST = "SHA256SUMS"
OUTPUT_DIR = "dist"  # where packs go by default: a folder the generated .gitignore leaves out
PDF_PREFIX = "review-pack-"  # the zip's copy of the PDF: review-pack-2025-26.pdf
# Printing makes no network request: the page may load its own files alone (no theme need
# know), and Chromium resolves no host name (an address such as 127.0.0.1 included) nor
# uses a proxy.
NO_NETWORK_POLICY = (
    b'<meta http-equiv="Content-Security-Policy" content="default-src '
    b"'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"font-src 'self' data:\">"
)
NO_NETWORK_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND", "--no-proxy-server")
_DOCTYPE = re.compile(rb"\s*<!doctype[^>]*>", re.IGNORECASE)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same portfolio gives the same zip


class Packed(Struct, frozen=True):
    """The zip written, and the review pack printed beside it, or why it was not."""

    archive: Path
    files: int
    pdf: Path | None
    no_pdf_reason: str
    warnings: tuple[Problem, ...]  # of the site that was packed


class PackResult(Struct, frozen=True):
    """What `pack` did: the zip written, or the problems that stopped it (nothing was
    written then)."""

    packed: Packed | None
    problems: tuple[Problem, ...] = ()


def default_name(member: str, year: PerformanceYear) -> str:
    return f"{slugify(member) or 'cpd'}-{year.name}-portfolio"


def default_archive(project: Project, member: str, year: PerformanceYear) -> Path:
    """Where the zip goes unless -o says: dist/ in the project, beside its PDF."""
    return project.root / OUTPUT_DIR / f"{default_name(member, year)}.zip"


def pack(
    project: Project,
    today: date,
    year: PerformanceYear,
    member: str,
    target: Path | None,
    progress: Progress = NO_PROGRESS,
) -> PackResult:
    """Build the published site, zip it with a manifest, and print the year's pack;
    `progress` follows the build, the printing and the packing."""
    archive = (target or default_archive(project, member, year)).absolute()
    pdf = archive.with_suffix(".pdf")
    if archive.suffix.lower() == ".pdf":
        raise UsageError(
            f"{os.path.relpath(archive)} would be both the zip and the PDF",
            "name the zip NAME.zip with -o: the PDF is written beside it as NAME.pdf",
        )
    for path in (archive, pdf):
        _refuse_place(project, path)
    _refuse_foreign(archive)
    _refuse_foreign_pdf(pdf, archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdp-pack-") as temporary:
        site = Path(temporary) / "site"
        built = build_site(project, today, publish=True, output=site, progress=progress)
        if built.site is None:
            return PackResult(None, built.problems)
        page = site / "pack" / f"{year.name}.html"
        if not page.is_file():
            years = ", ".join(sorted(path.stem for path in page.parent.glob("*.html")))
            raise UsageError(
                f"the portfolio has no review pack for {year.name}",
                f"choose one of its years with --year: {years}",
            )
        progress.stage("printing the review pack", 0)
        printed, reason = _print_pdf(page, Path(temporary) / "pack.pdf")
        if printed is not None:
            title = f"{PACK_TITLE.format(year=year.name)}: {member}"
            printed, reason = _describe(printed, Path(temporary) / "described.pdf", title, member)
        if printed is not None:
            shutil.copyfile(printed, site / f"{PDF_PREFIX}{year.name}.pdf")
        with _replacing(archive) as stream:
            files = _zip(site, stream, progress)
        if printed is not None:
            with _replacing(pdf) as stream, printed.open("rb") as source:
                shutil.copyfileobj(source, stream)
    return PackResult(
        Packed(archive, files, pdf if printed is not None else None, reason, built.warnings)
    )


def _refuse_place(project: Project, path: Path) -> None:
    """Refuse to write where pdp never writes: in the journal, the themes, git's folder, the
    cache, or over the configuration; nor through a link."""
    shown = os.path.relpath(path)
    if path.is_symlink():
        raise UsageError(f"{shown} is a link; it was left as it is", "choose another name with -o")
    folder = _leads(path.parent)
    if folder is None:
        raise UsageError(
            f"the folder of {shown} cannot be entered, or leads into a loop of links",
            "choose another folder with -o",
        )
    place = folder / path.name
    for kept in own_folders(project):
        inside = _leads(kept)
        if inside is not None and place.is_relative_to(inside):
            raise UsageError(
                f"{shown} is inside {kept.name}/, where pdp never writes",
                f"write the pack elsewhere, such as {OUTPUT_DIR}/ in the journal project "
                "(the default)",
            )
    if place == _leads(project.config_file):
        raise UsageError(
            f"{shown} is the journal project's configuration", "choose another name with -o"
        )


def _leads(path: Path) -> Path | None:
    """Where `path` leads; None if that cannot be told (a loop of links, no permission)."""
    try:
        return leads_to(path)
    except OSError:
        return None


def _refuse_foreign(archive: Path) -> None:
    """Only a zip that pdp packed may be replaced."""
    if not archive.exists():
        return
    try:
        with zipfile.ZipFile(archive) as existing:
            ours = MARKER in existing.namelist()
    except (zipfile.BadZipFile, OSError):
        ours = False
    if not ours:
        raise UsageError(
            f"{archive} exists and was not made by pdp; it was left as it is",
            "choose another name with -o",
        )


def _refuse_foreign_pdf(pdf: Path, archive: Path) -> None:
    """Only a PDF that pdp printed may be replaced: one that is, byte for byte, a review pack
    inside the zip that pdp packed beside it (with it, pdp replaces both together)."""
    try:
        kind = os.lstat(pdf).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(kind) and _packed_in(pdf, archive)):
        raise UsageError(
            f"{os.path.relpath(pdf)} exists and was not made by pdp; it was left as it is",
            "remove it yourself, or choose another name with -o",
        )


def _packed_in(pdf: Path, archive: Path) -> bool:
    """Whether the file `pdf` is the same as a review pack in the zip `archive`."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            packs = [
                info
                for info in bundle.infolist()
                if info.filename.startswith(PDF_PREFIX)
                and "/" not in info.filename
                and info.file_size == pdf.stat().st_size
            ]
            digest = _sha256(pdf.open("rb"))
            return any(_sha256(bundle.open(info)) == digest for info in packs)
    except Exception:  # any fault of reading either (a zip of any make): not shown to be ours
        return False


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    with stream:
        while chunk := stream.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _replacing(target: Path) -> Iterator[IO[bytes]]:
    """A new file beside `target` to write, renamed over it once written whole; made anew
    (never an existing file, nor a link to one), and removed if writing it fails."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    try:
        stream = os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")
        try:
            with stream:
                yield stream
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError as err:
        raise PdpError(
            f"could not write {os.path.relpath(target)}: {err.strerror}",
            "check the folder's permissions and free space",
        ) from err


def _zip(site: Path, stream: IO[bytes], progress: Progress = NO_PROGRESS) -> int:
    """Zip every file of the site, with a manifest of their SHA-256 sums."""
    paths = sorted(path for path in site.rglob("*") if path.is_file())
    progress.stage("packing files", len(paths))
    sums: list[str] = []
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in paths:
            name, data = path.relative_to(site).as_posix(), path.read_bytes()
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
            _add(bundle, name, data)
            progress.advance()
        _add(bundle, MANIFEST, "".join(sums).encode("utf-8"))
    return len(paths) + 1


def _add(bundle: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    bundle.writestr(info, data)


def find_browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _print_pdf(page: Path, pdf: Path) -> tuple[Path | None, str]:
    """Print a page to PDF with headless Chromium, with no network; (None, why) when that
    cannot be done."""
    browser = find_browser()
    if browser is None:
        return None, (
            "no PDF: Chromium is not installed (install it, e.g. apt-get install "
            "chromium, or print pack/ pages from a browser)"
        )
    printed = page.with_name(f".print-{page.name}")  # beside it, for its relative links
    printed.write_bytes(_without_network(page.read_bytes()))
    try:
        with tempfile.TemporaryDirectory(prefix="pdp-chromium-") as profile:
            command = [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                *NO_NETWORK_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",  # the pack's own margins say what it is
                "--generate-pdf-document-outline",  # bookmarks from its headings
                f"--print-to-pdf={pdf}",
                printed.as_uri(),
            ]
            try:
                done = subprocess.run(command, capture_output=True, timeout=120, check=False)
            except (OSError, subprocess.TimeoutExpired) as err:
                return None, f"no PDF: Chromium could not print ({err})"
    finally:
        printed.unlink()  # not part of the site
    if done.returncode != 0 or not pdf.is_file():
        return None, f"no PDF: Chromium exited with {done.returncode}"
    return pdf, ""


def _without_network(page: bytes) -> bytes:
    """The page with a policy, first in it, that lets it load its own files and nothing from
    any network: a reflection's remote picture is not fetched, whatever the theme."""
    doctype = _DOCTYPE.match(page)
    at = doctype.end() if doctype else 0
    return page[:at] + NO_NETWORK_POLICY + page[at:]


def _describe(printed: Path, described: Path, title: str, author: str) -> tuple[Path | None, str]:
    """A copy of the printed PDF with its title and author (Chromium gives it the page's
    title and no author), bookmarks and tags kept; (None, why) if it cannot be made."""
    from pypdf import PdfReader, PdfWriter  # here: only packing needs it
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(printed)
        writer = PdfWriter(clone_from=reader)
        writer.pdf_header = reader.pdf_header  # as printed: a tagged PDF needs 1.4 at least
        writer.add_metadata({"/Title": title, "/Author": author})
        with described.open("wb") as stream:
            writer.write(stream)
    except (OSError, PyPdfError) as err:
        return None, f"no PDF: its title and author could not be set ({err})"
    return described, ""
