"""Live reload: the script every served page loads, what a page is served with (that script,
and the journal's errors over it), and the events that tell an open page to reload."""

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
_OVERLAY_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:50vh;"
    "overflow:auto;box-sizing:border-box;margin:0;padding:12px 16px;"
    "background:#fff0f0;color:#3d0000;border-bottom:4px solid #b3001b;"
    "color-scheme:light;text-align:left;"
    "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
)
_OVERLAY = (
    '<div id="pdp-errors" role="alert" style="{style}">'
    '<h2 style="font:inherit;font-weight:bold;color:inherit;margin:0 0 8px">'
    "The journal has problems: showing the last good site</h2>"
    '<pre style="font:inherit;color:inherit;background:none;border:0;margin:0;'
    'padding:0;white-space:pre-wrap">{lines}</pre></div>'
)


def with_live_reload(page: bytes, generation: int, instance: str, errors: Sequence[str]) -> bytes:
    """The page as served: the errors over it after <body>, the reload script before </body>."""
    if errors:
        opening = _BODY_OPENING.search(page)
        at = opening.end() if opening else 0
        page = page[:at] + _overlay(errors) + page[at:]
    script = (
        f'<script src="{LIVE_SCRIPT}" data-generation="{generation}" '
        f'data-instance="{instance}"></script>'
    ).encode()
    closing = page.lower().rfind(b"</body>")
    at = closing if closing != -1 else len(page)
    return page[:at] + script + page[at:]


def _overlay(errors: Sequence[str]) -> bytes:
    lines = html.escape("\n".join(errors))
    return _OVERLAY.format(style=_OVERLAY_STYLE, lines=lines).encode()


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
