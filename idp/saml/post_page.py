"""The HTTP-POST binding's auto-submit page (Bindings §3.5.4), from a page prepared once.

``saml/post.html`` is the same for every answer but for the form's action and hidden fields,
yet rendering it through Flask and Jinja (base.html, three ``url_for``, eight translations,
the render signals) cost about a tenth of a signed response's CPU (issue 16). So it is
rendered once per language and script root with markers where the action and one field go;
the page is cut at the markers, and each answer fills the pieces in, escaped as Jinja's
autoescape does (markupsafe). A request with flashed messages to show gets the full render,
so the page a person sees is byte for byte what the template makes.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, get_flashed_messages, render_template, request
from markupsafe import escape

from idp.web.i18n import language

TEMPLATE = "saml/post.html"
# Private-use characters: autoescape leaves them as they are, and no URL or field holds them.
_URL, _NAME, _VALUE = "\ue000url\ue000", "\ue000name\ue000", "\ue000value\ue000"
_MAX_PAGES = 16  # (language, script root) pairs kept per app; script roots are few
_PAGES = "saml_post_pages"  # their key in app.extensions


@dataclass(frozen=True)
class _Page:
    head: tuple[str, str]  # the page up to the form's action, from there to the first field
    row: tuple[str, str, str]  # one hidden field: before its name, before its value, after
    tail: str

    def fill(self, url: str, fields: dict[str, str]) -> str:
        out = [self.head[0], escape(url), self.head[1]]
        for name, value in fields.items():
            out += (self.row[0], escape(name), self.row[1], escape(value), self.row[2])
        out.append(self.tail)
        return "".join(out)


def post_page(url: str, fields: dict[str, str]) -> str:
    """The auto-submit page posting fields to url, as ``render_template(TEMPLATE, ...)``."""
    if get_flashed_messages(with_categories=True):  # kept for the template, which shows them
        return render_template(TEMPLATE, url=url, fields=fields)
    return prepared_page().fill(url, fields)


def prepared_page() -> _Page:
    """The request's language's page, prepared once per app (in a request context)."""
    key = (language(), request.script_root)
    return cached_page(current_app, *key) or _remember(current_app, key, _prepare())


def cached_page(app, lang: str, script_root: str) -> _Page | None:
    """The page prepared for lang and script_root, if it was (no request context needed)."""
    return app.extensions.get(_PAGES, {}).get((lang, script_root))


def _remember(app, key: tuple[str, str], page: _Page) -> _Page:
    pages = app.extensions.setdefault(_PAGES, {})
    if len(pages) >= _MAX_PAGES:
        pages.clear()
    pages[key] = page
    return page


def _prepare() -> _Page:
    """The template rendered without fields and with one marker field: the second is the
    first with the field's row inserted where the loop writes rows."""
    bare = render_template(TEMPLATE, url=_URL, fields={})
    one = render_template(TEMPLATE, url=_URL, fields={_NAME: _VALUE})
    start = next(i for i, (a, b) in enumerate(zip(bare, one, strict=False)) if a != b)
    row = one[start:start + len(one) - len(bare)]
    if bare.count(_URL) != 1 or _URL in row or bare[:start] + row + bare[start:] != one:
        raise RuntimeError(f"{TEMPLATE}: action or fields not where this module expects them")
    before_name, rest = row.split(_NAME)
    before_value, after = rest.split(_VALUE)
    before_url, after_url = bare[:start].split(_URL)
    return _Page((before_url, after_url), (before_name, before_value, after), bare[start:])
