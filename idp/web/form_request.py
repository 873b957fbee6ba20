"""Flask's request, reading an urlencoded form from the body the input guard already read.

Every POST to /token, /introspect and /revoke is a small application/x-www-form-urlencoded
form, which the input guard reads and checks first (``get_data(cache=True)``). werkzeug then
parses it again through its generic form parser, and Flask's request looks up the app's limits
through ``current_app`` several times on the way: ~30-50 us of CPU for one short field here,
against ~3 us for the parse itself. This request parses such a cached body as werkzeug's
``FormDataParser._parse_urlencoded`` does (same ``parse_qsl`` call; a body that is not UTF-8
gives an empty form, as werkzeug's silent parser does). Its size was bounded when it was read.
Anything else (multipart, no cached body, debug mode) goes through Flask as before.
"""

from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qsl

from flask import Flask, current_app
from flask import Request as FlaskRequest

URLENCODED = "application/x-www-form-urlencoded"


class Request(FlaskRequest):
    def _load_form_data(self) -> None:
        body = getattr(self, "_cached_data", None)  # as werkzeug's _get_stream_for_parsing
        if ("form" in self.__dict__ or body is None or self.mimetype != URLENCODED
                or current_app.debug):  # Flask's debug mode adds its own helper: leave it
            super()._load_form_data()
            return
        items = parse_form(body)
        stream = BytesIO(body)
        stream.seek(0, 2)  # read to the end, as after werkzeug's parse
        self.__dict__.update(stream=stream, form=self.parameter_storage_class(items),
                             files=self.parameter_storage_class())


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """An urlencoded body's fields in order, as werkzeug's parser reads them (one that is not
    UTF-8 gives none)."""
    try:
        return parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
    except ValueError:
        return []


def init_app(app: Flask) -> None:
    app.request_class = Request
