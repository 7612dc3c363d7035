"""`pdp pack`: the published portfolio as one zip to hand over, with checksums, and the
year's review pack as a PDF when Chromium is there to print it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .build import build_site
from .compute import PerformanceYear
from .errors import UsageError
from .load import Project
from .model import Problem
from .output import MARKER
from .validate import slugify

MANIFEST = "SHA256SUMS"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same portfolio gives the same zip


@dataclass(frozen=True, slots=True)
class Packed:
    problems: tuple[Problem, ...] = ()
    archive: Path | None = None
    pdf: Path | None = None
    files: int = 0
    no_pdf_reason: str = ""


def default_name(member: str, year: PerformanceYear) -> str:
    return f"{slugify(member) or 'cpd'}-{year.name}-portfolio"


def pack(project: Project, today: date, year: PerformanceYear, member: str,
         target: Path | None) -> Packed:
    """Build the published site, zip it with a manifest, and print the year's pack."""
    archive = (target or project.root / (default_name(member, year) + ".zip")).absolute()
    _refuse_foreign(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdp-pack-") as temporary:
        site = Path(temporary) / "site"
        built = build_site(project, today, publish=True, output=site)
        if built.problems:
            return Packed(built.problems)
        pdf, reason = _print_pdf(site / "pack" / f"{year.name}.html",
                                 archive.with_suffix(".pdf"))
        if pdf is not None:
            shutil.copyfile(pdf, site / f"review-pack-{year.name}.pdf")
        files = _zip(site, archive)
    return Packed(archive=archive, pdf=pdf, files=files, no_pdf_reason=reason)


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
        raise UsageError(f"{archive} exists and was not made by pdp; it was left as it is",
                         "choose another name with -o")


def _zip(site: Path, archive: Path) -> int:
    """Zip every file of the site, with a manifest of their SHA-256 sums; atomically."""
    paths = sorted(path for path in site.rglob("*") if path.is_file())
    sums: list[str] = []
    partial = archive.with_name(f".{archive.name}.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in paths:
            name, data = path.relative_to(site).as_posix(), path.read_bytes()
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
            _add(bundle, name, data)
        _add(bundle, MANIFEST, "".join(sums).encode("utf-8"))
    os.replace(partial, archive)
    return len(paths) + 1


def _add(bundle: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    bundle.writestr(info, data)


def find_browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _print_pdf(page: Path, pdf: Path) -> tuple[Path | None, str]:
    """Print a page to PDF with headless Chromium; (None, why) when that cannot be done."""
    browser = find_browser()
    if browser is None:
        return None, ("no PDF: Chromium is not installed (install it, e.g. apt-get install "
                      "chromium, or print pack/ pages from a browser)")
    with tempfile.TemporaryDirectory(prefix="pdp-chromium-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            return None, f"no PDF: Chromium could not print ({err})"
    if done.returncode != 0 or not pdf.is_file():
        return None, f"no PDF: Chromium exited with {done.returncode}"
    return pdf, ""



