"""The bare Python floor of a build: what any Python generator must do for each entry.

    python benchmarks/floor.py JOURNAL OUTPUT [--jobs N]

For each entry of JOURNAL (a pdp journal project): read the file, load its front matter with
PyYAML, render its body with markdown-it-py (CommonMark, as pdp's parser), render one Jinja2
page with the title and the HTML, and write it to OUTPUT. Nothing is validated, totalled,
linked or summed up. With --jobs N the entries are shared between N worker processes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

PAGE = jinja2.Environment(autoescape=True).from_string(
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{{ title }}'
    "</title></head>\n<body><main><h1>{{ title }}</h1>\n{{ html }}</main></body>\n</html>\n"
)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def build(paths: Sequence[Path], output: Path) -> int:
    """Write a page for each entry file; the number written."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for path in paths:
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        data = yaml.load(front, Loader=LOADER)
        html = Markup(parser.render(body))
        page = PAGE.render(title=str(data.get("title", path.stem)), html=html)
        (output / f"{path.stem}.html").write_text(page, "utf-8")
    return len(paths)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("journal", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    paths = sorted((args.journal / "journal" / "entries").rglob("*.md"))
    args.output.mkdir(parents=True, exist_ok=True)
    if args.jobs < 2:
        return 0 if build(paths, args.output) == len(paths) else 1
    size = -(-len(paths) // (args.jobs * 4))
    with ProcessPoolExecutor(args.jobs) as pool:
        written = sum(
            pool.map(
                build,
                [paths[i : i + size] for i in range(0, len(paths), size)],
                [args.output] * len(range(0, len(paths), size)),
            )
        )
    return 0 if written == len(paths) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
