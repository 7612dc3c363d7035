"""Render planned pages through the theme's Jinja2 templates.

Pure: pages and the templates as read in, the bytes of each page out. Templates compile
to call `escape_output` for each autoescaped value (a patch of Jinja2's code generator),
and a `PageMemo` keeps what each page rendered to, for watch mode's next build.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator, Frame

from ..errors import PdpError
from .formats import amount, figure, long_date, percent, year_names
from .theme import Templates
from .views import Page


def _escape_slowly(text: str, /) -> str:
    return str(markupsafe.escape(text))


# What `markupsafe.escape` escapes a string with (in C), as a plain string; in a MarkupSafe
# without it (before 3.0), the same text through `escape` itself.
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_slowly)


def escape_output(value: object) -> str:
    """The text of `markupsafe.escape(value)`, without making it a `Markup` first.

    Every autoescaped `{{ ... }}` of a template calls this: its result is only ever joined
    into the page, and making a `Markup` of each (as `escape` does, in Python) was a third
    of the time a page took to render.
    """
    if type(value) is str:
        return _escape_text(value)
    if type(value) is jinja2.Undefined:
        # What `{{ "s" if n != 1 }}` gives when the test is false: nothing to show, and
        # asking it for `__html__` raises (and catches) an error, for every such output.
        # (Only this very class: a StrictUndefined's error is the template's to show.)
        return ""
    html = getattr(value, "__html__", None)
    if html is not None:  # markup already, such as a rendered reflection
        shown = html()
        return shown if isinstance(shown, str) else str(shown)
    return _escape_text(str(value))


class _EscapingCodeGenerator(CodeGenerator):
    """Jinja2's code generator, but each autoescaped output calls `escape_output`.

    `_output_child_pre` is Jinja2's own hook, not a documented one: should a release stop
    calling it, pages still render the same, only slower, and
    `test_templates_compile_to_call_escape_output` fails.
    """

    def _output_child_pre(
        self, node: jinja2.nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")  # `environment`: the template's own
        if finalize.src is not None:
            self.write(finalize.src)


class PageEnvironment(jinja2.Environment):
    """A Jinja2 environment whose templates render the same text, faster."""

    code_generator_class = _EscapingCodeGenerator
    escape_output = staticmethod(escape_output)


@functools.cache  # one per set of templates and process: templates compile once
def environment(templates: Templates) -> jinja2.Environment:
    """Autoescaping for every template, and an error for any undefined name."""
    env = PageEnvironment(
        loader=jinja2.FunctionLoader(templates.load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        amount=amount, figure=figure, percent=percent, long_date=long_date, year_names=year_names
    )
    return env


@dataclass(slots=True)
class PageMemo:
    """Pages rendered before, by path: a page whose template and context are equal to last
    time's is not rendered again. Only for one theme, as it was: a theme that changes needs a
    new memo."""

    rendered: dict[str, tuple[str, Mapping[str, Any], bytes]] = field(default_factory=dict)

    def render(self, env: jinja2.Environment, page: Page) -> bytes:
        kept = self.rendered.get(page.path)
        if kept is not None and kept[0] == page.template and kept[1] == page.context:
            return kept[2]
        return self.remember(page, render_page(env, page))

    def remember(self, page: Page, data: bytes) -> bytes:
        """Keep what `page` rendered to (elsewhere, such as in a worker process)."""
        self.rendered[page.path] = (page.template, page.context, data)
        return data

    def forget_all_but(self, paths: Iterable[str]) -> None:
        """Drop the pages that are gone, so their views do not stay in memory."""
        for path in self.rendered.keys() - set(paths):
            del self.rendered[path]


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    try:
        html = env.get_template(page.template).render(page.context)
    except jinja2.TemplateError as err:
        raise PdpError(
            f"the theme's template {page.template} failed: {err}",
            "fix the template in your theme folder",
        ) from err
    except (
        ArithmeticError,
        AttributeError,
        LookupError,
        RecursionError,
        TypeError,
        ValueError,
    ) as err:  # what a template's own expressions can raise
        raise PdpError(
            f"the theme's template {page.template} failed: {type(err).__name__}: {err}",
            "fix the template in your theme folder",
        ) from err
    return html.encode("utf-8")
