"""Live reload: the script every served page loads, what a page is served with (that script,
and the journal's problems above it), and the events that tell an open page to reload."""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Sequence

LIVE_SCRIPT = "/_pdp/live.js"
EVENTS = "/_pdp/events"
_BODY_OPENING = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)

LIVE_JS = b"""\
// pdp serve: reload this page when the site is rebuilt; swap stylesheets when only they changed.
(() => {
  "use strict";
  const script = document.currentScript;
  const query = new URLSearchParams({
    generation: script ? script.dataset.generation : "",
    instance: script ? script.dataset.instance : "",
  });
  const events = new EventSource("/_pdp/events?" + query);
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", (event) => {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("v", event.data);
      link.href = url.href;
    }
  });
})();
"""

# Explicit colours for both text and background: readable whatever the page's or the
# system's colour scheme; inline, so it shows without JavaScript or the theme's stylesheet.
# In the flow of the page, first in <body>: it pushes the page down, never covers its top.
_BOX = (
    "display:block;position:static;float:none;max-height:50vh;overflow:auto;"
    "box-sizing:border-box;margin:0 0 16px;padding:12px 16px;color-scheme:light;"
    "text-align:left;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
)
_ERRORS_STYLE = _BOX + "background:#fff0f0;color:#3d0000;border-bottom:4px solid #b3001b"
_WARNINGS_STYLE = _BOX + "background:#fff8e0;color:#3d2e00;border-bottom:4px solid #8a6500"
_PRE = (
    '<pre style="font:inherit;color:inherit;background:none;border:0;margin:0;'
    'padding:0;white-space:pre-wrap">{lines}</pre>'
)
_ERRORS = (
    '<div id="pdp-errors" role="alert" style="{style}">'
    '<h2 style="font:inherit;font-weight:bold;color:inherit;margin:0 0 8px">'
    "The journal has problems: showing the last good site</h2>" + _PRE + "{warnings}</div>"
)
# Warnings do not stop the build: listed, folded away, above the page that they concern.
_WARNINGS = '<div id="pdp-warnings" role="status" style="{style}">{warnings}</div>'
_DETAILS = (
    '<details style="margin:{margin}"><summary style="cursor:pointer;font-weight:bold">'
    "{summary}</summary>" + _PRE + "</details>"
)


def with_live_reload(
    page: bytes,
    generation: int,
    instance: str,
    errors: Sequence[str],
    warnings: Sequence[str] = (),
) -> bytes:
    """The page as served: the journal's problems above it, first in <body>, and the reload
    script last, before </body>."""
    if errors or warnings:
        opening = _BODY_OPENING.search(page)
        at = opening.end() if opening else 0
        page = page[:at] + _overlay(errors, warnings).encode() + page[at:]
    script = (
        f'<script src="{LIVE_SCRIPT}" data-generation="{generation}" '
        f'data-instance="{instance}"></script>'
    ).encode()
    closing = page.lower().rfind(b"</body>")
    at = closing if closing != -1 else len(page)
    return page[:at] + script + page[at:]


def _overlay(errors: Sequence[str], warnings: Sequence[str]) -> str:
    """The errors in full; the warnings folded in a <details>, which needs no script."""
    count = sum(1 for line in warnings if not line.startswith(" "))  # hints are indented
    kind = f"{count} warning{'' if count == 1 else 's'}"
    if errors:
        folded = (
            _DETAILS.format(margin="8px 0 0", summary=f"And {kind}", lines=_escaped(warnings))
            if warnings
            else ""
        )
        return _ERRORS.format(style=_ERRORS_STYLE, lines=_escaped(errors), warnings=folded)
    folded = _DETAILS.format(
        margin="0", summary=f"The journal has {kind}", lines=_escaped(warnings)
    )
    return _WARNINGS.format(style=_WARNINGS_STYLE, warnings=folded)


def _escaped(lines: Sequence[str]) -> str:
    return html.escape("\n".join(lines))


def stale(query: str, instance: str, generation: int) -> bool:
    """Whether the page that opened an event stream shows another server's or an older site.

    A parameter left out is not compared (a client that is not a page); a blank one is.
    """
    asked = urllib.parse.parse_qs(query, keep_blank_values=True)
    instances, generations = asked.get("instance"), asked.get("generation")
    return (instances is not None and instances != [instance]) or (
        generations is not None and generations != [str(generation)]
    )


def event(kind: str, generation: int) -> bytes:
    return f"event: {kind}\ndata: {generation}\n\n".encode()
