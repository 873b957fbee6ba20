"""Hostile HTTP requests for a served app, and a prober that reports every 5xx it provokes.

Reusable by any feature's fuzz test::

    from fuzzing import Fuzzer, endpoints, probe

    rules = endpoints(app, keep=lambda rule: rule.startswith("/admin/api"))
    fuzzer = Fuzzer(random.Random(7), baselines={"/admin/api/audit": {"limit": "10"}})
    requests = fuzzer.requests(rules, per_endpoint=40, cookie="yiwang_web=...")
    report = probe(base_url, requests)
    assert not report.failures, report.describe()

A request is built from a *baseline* (the parameters of a request the endpoint accepts, so the
mutation reaches past the first check) with one to three parameters replaced, duplicated or
removed, the new values drawn from a pool of hostile text (non-ASCII digits, NUL and control
bytes, invalid UTF-8, quotes and backslashes, 5,000-digit numbers, bad base64 / DEFLATE),
sent in the query, a form body, a JSON body (wrong types, deep nesting) or a raw body, with
sometimes a hostile ``Authorization`` header, cookie or ``Content-Type``. Everything is drawn
from the ``random.Random`` given, so a seed reproduces a run exactly.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_from_bytes, urlsplit

# Hostile values as raw bytes (percent-encoded when sent, so any byte reaches the server).
HOSTILE: tuple[bytes, ...] = (
    b"", b" ", "é".encode(), "²".encode(), "٣".encode(), "一网".encode(), "😀".encode(),
    b'"', b"\\", b"'", b'\\"', b"\x00", b"a\x00b", b"\x01", b"\x1f", b"\x7f", b"\t", b"\r\n",
    b"a\rb", "\u202e".encode(), "\ufeff".encode(), "\u0085".encode(), b"%", b"%00", b"%zz",
    b"\xff", b"\xfe\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xc3", b"\x80abc",
    b"9" * 5000, b"-1", b"0", b"00", b"1.5", b"1e309", b"1e-400", b"-0", b"+1", b"0x10",
    b"18446744073709551616", b"9" * 19, b"NaN", b"Infinity", b"1_000",
    b"a" * 8192, b"<script>alert(1)</script>", b"' OR '1'='1", b"../../etc/passwd",
    b"http://evil.example/", b"javascript:alert(1)", b"https://rp.example.gov.cn/cb#frag",
    b"[]", b"{}", b"null", b"true", b'{"a":', b"!!!not base64!!!", b"====", b"YQ",
    b"openid openid", b"openid \x00", b"code token id_token none", b"[" * 3000,
    b'{"a":' * 1000, b'{"userinfo": {"name": null}, "id_token": []}', b'{"userinfo": 1}',
)


def _b64url(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


# Tokens that look like JWTs (id_token_hint, client_assertion, bearer tokens): hostile headers
# and payloads behind a well-formed shape.
HOSTILE_JWTS: tuple[bytes, ...] = tuple(
    b".".join((_b64url(header), _b64url(payload), signature))
    for header, payload, signature in (
        (b'{"alg":"RS256","kid":"x"}', b"[" * 3000, b"c2ln"),
        (b"[" * 3000, b"{}", b""),
        (b'{"alg":"ES256","kid":5}', b'{"sub":"\\u0000","exp":' + b"9" * 5000 + b"}", b"x"),
        (b"\xff\xfe", b"\xff", b"\xff"),
        (b'{"alg":"none"}', b'{"sub":"a","iss":"http://127.0.0.1:8000"}', b""),
        (b'{"alg":"HS256","kid":"a"}', b'{"exp":1e999,"iat":"x","aud":[[]],"sub":{}}', b"AA"),
        (b'{"alg":"RS256","kid":"\\u00e9\\""}', b'{"jti":"' + b"j" * 2000 + b'"}', b"!!"),
        (b"null", b"null", b""),
    )
)

# Hostile JSON values (wrong types, extremes) for JSON bodies.
HOSTILE_JSON: tuple[object, ...] = (
    None, True, False, 0, -1, 1.5, 10**30, -(10**30), 1e308, "", "é", "²", "\x00", "a\x00b",
    "\x01", "\ud800", "\\", '"', "9" * 5000, [], {}, [None], ["\x00"], [1, 2], {"a": "\x00"},
    {"": None}, [[[[[]]]]], "a" * 8192,
)

# Raw JSON documents Python's json would choke on or that are hostile as a whole.
HOSTILE_JSON_TEXT: tuple[bytes, ...] = (
    b"", b"{", b"null", b"[]", b'"x"', b"1", b"9" * 5000, b'{"a": ' + b"9" * 5000 + b"}",
    b"[" * 100_000 + b"]" * 100_000, b'{"a": "\\ud800"}', b'{"a": "\\u0000"}', b"\xff\xfe",
    b'{"a": NaN}', b'{"a": Infinity}', b'{"a": 1e99999}', b'{"a": 1, "a": 2}',
    '{"é": "²"}'.encode(), b'{"redirect_uris": "\xff"}',
)

# Names many endpoints read: any of them may be added to any request.
PARAM_NAMES: tuple[str, ...] = (
    "client_id", "client_secret", "response_type", "redirect_uri", "scope", "state", "nonce",
    "max_age", "prompt", "acr_values", "claims", "login_hint", "id_token_hint", "request",
    "request_uri", "response_mode", "code_challenge", "code_challenge_method", "code",
    "code_verifier", "grant_type", "refresh_token", "token", "token_type_hint", "access_token",
    "client_assertion", "client_assertion_type", "post_logout_redirect_uri", "ui_locales",
    "pending", "csrf_token", "decision", "choice", "username", "password", "door", "login",
    "next", "sid", "site", "once", "req", "sp", "RelayState", "SAMLRequest", "SAMLResponse",
    "SigAlg", "Signature", "limit", "since", "until", "q", "lang", "entity", "otp", "confirm",
    "logout_hint", "registration", "redirect_uris", "client_name", "resource",
)

_CONTENT_TYPES: tuple[str, ...] = (
    "text/plain", "application/x-www-form-urlencoded; charset=klingon",
    "application/x-www-form-urlencoded; charset=utf-16", "application/json; charset=latin-1",
    "multipart/form-data", "multipart/form-data; boundary=x", "application/xml",
    "application/json", "\xe9/\xe9",
)


def _basic(raw: bytes) -> bytes:
    return b"Basic " + base64.b64encode(raw)


HOSTILE_AUTHORIZATION: tuple[bytes, ...] = (
    _basic(b"\xff\xfe:\xff"), _basic(b"client:\xc3"), _basic(b"nocolon"), _basic(b":"),
    _basic(b"a\x00b:c"), _basic("é:²".encode()), _basic(b"%ZZ:%00"), _basic(b"%ff:x"),
    b"Basic !!!", b"Basic", b"Basic ", b"Basic YQ", b"Basic \xe9", b"Bearer", b"Bearer ",
    b"Bearer \xe9\xff", b"Bearer a.b.c", b"Bearer " + b"a" * 8000, b"Bearer \x01",
    b"DPoP x", b"Negotiate abc", b"\xff\xfe", b"Bearer e30.e30.",
    b"Bearer eyJhbGciOiJub25lIn0.e30.",
)

HOSTILE_COOKIES: tuple[bytes, ...] = (
    b"yiwang_sso=\xc3\xa9", b"yiwang_sso=%00", b"yiwang_sso=" + b"a" * 4000,
    b"yiwang_web=garbage", b"yiwang_web=.eJyrVkrOz0vOT0lVslIqLU4tUqoFAC8-BXw.x.y",
    b"yiwang_web=\xff", b"yiwang_sso=\"\\\"", b"=;=;;", b"yiwang_lang=\xe9",
)


def saml_payloads(rng: random.Random) -> list[bytes]:
    """Hostile SAMLRequest/SAMLResponse values (already base64, DEFLATEd where the binding is
    Redirect): garbage, truncated DEFLATE, non-UTF-8 XML, DTDs, and AuthnRequests whose
    attributes carry hostile text."""
    def deflated(xml: bytes) -> bytes:
        squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
        return base64.b64encode(squeeze.compress(xml) + squeeze.flush())

    def authn(**attributes: bytes) -> bytes:
        attrs = b" ".join(k.encode() + b'="' + v + b'"' for k, v in attributes.items())
        return (b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
                b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' + attrs +
                b'><saml:Issuer>' + attributes.get("_issuer", b"http://sp.fuzz/metadata") +
                b"</saml:Issuer></samlp:AuthnRequest>")

    noise = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))
    documents = [
        b"<x/>", b"<", noise, b"<?xml version='1.0' encoding='klingon'?><x/>",
        b"<?xml version='1.0' encoding='utf-16'?><x/>", "<é>²</é>".encode("utf-16"),
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', b"<a>" * 2000 + b"</a>" * 2000,
        authn(ID=b"_1", Version=b"2.0", IssueInstant=b"2020-01-01T00:00:00Z",
              AssertionConsumerServiceIndex="²".encode()),
        authn(ID=b"_2", Version=b"2.0", AssertionConsumerServiceIndex=b"9" * 5000),
        authn(ID=b"_3", Version=b"2.0", AssertionConsumerServiceIndex=b"-1"),
        authn(ID=b"\xc3\xa9" * 300, Version=b"2.0", IssueInstant="²".encode()),
        authn(ID=b"_4", Version=b"2.0", IssueInstant=b"9" * 5000),
        authn(ID=b"_5", Version=b"2.0", IssueInstant=b"9999-99-99T99:99:99Z"),
        authn(ID=b"_6", Version=b"2.0", AssertionConsumerServiceURL="http://é/\\".encode(),
              ProtocolBinding=b"\\"),
        authn(ID=b"_7", Version=b"2.0", _issuer=b"a&#0;b"),
        authn(ID=b"_8", Version=b"2.0", _issuer=b"\xff\xfe"),
        authn(ID=b"_9", Version=b"2.0", ForceAuthn=b"\xc3\xa9", IsPassive=b"2"),
        b'<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_l" '
        b'Version="2.0" IssueInstant="x" NotOnOrAfter="\xc2\xb2"><NameID/></samlp:LogoutRequest>',
        b'<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" '
        b'InResponseTo="\xc3\xa9" Version="2.0"/>',
    ]
    values = [deflated(d) for d in documents] + [base64.b64encode(d) for d in documents]
    values += [deflated(noise)[:-3], base64.b64encode(noise), b"!!!", b"YQ", b"%00",
               base64.b64encode(zlib.compress(b"<x/>"))]
    return values


@dataclass(frozen=True)
class Request:
    """One HTTP request, exactly as sent: target is the ASCII path and query."""

    method: str
    target: str
    body: bytes = b""
    headers: tuple[tuple[str, bytes], ...] = ()
    label: str = ""  # what the request is about (the rule it was made for); not sent

    def describe(self, limit: int = 600) -> str:
        body = repr(self.body[:limit]) + ("…" if len(self.body) > limit else "")
        heads = "; ".join(f"{k}: {v[:120]!r}" for k, v in self.headers)
        target = self.target[:limit] + ("…" if len(self.target) > limit else "")
        return f"{self.method} {target}\n    headers: {heads}\n    body: {body}"


@dataclass
class Failure:
    request: Request
    status: int | None  # None: no answer at all (connection dropped, timeout)
    answer: str

    def describe(self) -> str:
        return f"{self.status} for {self.request.describe()}\n    answer: {self.answer[:400]!r}"


@dataclass
class Report:
    sent: int = 0
    unsendable: int = 0  # requests http.client refused to put on the wire (counted in sent)
    failures: list[Failure] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    by_label: dict[tuple[str, int], int] = field(default_factory=dict)  # (label, status) -> n
    slowest: list[tuple[float, Request]] = field(default_factory=list)  # (seconds, request)

    def describe(self, limit: int = 15) -> str:
        lines = [f"{len(self.failures)} of {self.sent} requests failed:"]
        lines += [f.describe() for f in self.failures[:limit]]
        return "\n".join(lines)


@dataclass(frozen=True)
class Endpoint:
    rule: str  # Werkzeug rule, e.g. "/connect/register/<client_id>"
    methods: tuple[str, ...]  # what is tried
    allowed: tuple[str, ...] = ()  # what the app routes (tried three times as often)


def endpoints(app, keep: Callable[[str], bool] = lambda rule: True) -> list[Endpoint]:
    """Every rule of the app's url_map that keep() accepts, with its methods (GET and POST are
    always tried; others only where the rule has them)."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if keep(rule.rule):
            found.setdefault(rule.rule, set()).update(
                set(rule.methods or ()) - {"HEAD", "OPTIONS"})
    return [Endpoint(r, tuple(sorted(m | {"GET", "POST"})), tuple(sorted(m)))
            for r, m in sorted(found.items())]


def _q(value: bytes) -> str:
    return quote_from_bytes(value, safe="")


def _text(value: object) -> bytes:
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


def _encode(pairs: Iterable[tuple[str, bytes]]) -> str:
    return "&".join(f"{_q(name.encode())}={_q(value)}" for name, value in pairs)


# Parameters of one request an endpoint accepts, or several such requests to pick from.
# Values are text, or any JSON value (sent as JSON text in a query or form, as itself in a JSON
# body).
Baseline = dict[str, object] | list[dict[str, object]]

_PATH_VAR = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class Fuzzer:
    """Builds hostile variants of baseline requests; every choice comes from ``rng``.

    baselines: rule (or "METHOD rule", which wins) -> parameters of a request the endpoint
    would accept, or a list of such (str values; a key ``<name>`` fills the path variable
    ``name``, a key ``@Name`` is the header ``Name``). extra_values: more hostile bytes for
    this application (e.g. ``saml_payloads(rng)``), used alongside ``HOSTILE``.
    """

    def __init__(self, rng: random.Random, baselines: dict[str, Baseline] | None = None,
                 extra_values: Sequence[bytes] = ()) -> None:
        self.rng = rng
        self.baselines = baselines or {}
        self.values = list(HOSTILE) + list(HOSTILE_JWTS) + list(extra_values)

    def value(self) -> bytes:
        if self.rng.random() < 0.3:
            return self._random_text()
        return self.rng.choice(self.values)

    def _random_text(self) -> bytes:
        # Mostly text that passes an edge check (so it reaches the code behind it), sometimes
        # with a control character or a byte that is never valid UTF-8.
        pool = "aZ09-_.~ é²٣一😀\"\\'<>&=%+#?/:;,\u2028\ufffd\u0301"
        if self.rng.random() < 0.2:
            pool += "\x00\x01\x1f\x7f\t\r\n"
        text = "".join(self.rng.choice(pool) for _ in range(self.rng.randint(1, 40)))
        raw = text.encode("utf-8")
        if self.rng.random() < 0.1:  # splice in a byte that is never valid UTF-8
            at = self.rng.randint(0, len(raw))
            raw = raw[:at] + bytes([self.rng.choice((0x80, 0xC0, 0xFE, 0xFF))]) + raw[at:]
        return raw

    def requests(self, rules: Sequence[Endpoint], per_endpoint: int, *,
                 cookie: str | None = None) -> list[Request]:
        """per_endpoint hostile requests for each rule, spread over its methods."""
        out = []
        for endpoint in rules:
            weighted = [m for m in endpoint.methods for _ in
                        range(3 if m in endpoint.allowed else 1)]
            for i in range(per_endpoint):
                method = weighted[i % len(weighted)]
                out.append(self.request(endpoint.rule, method, cookie=cookie))
        return out

    def request(self, rule: str, method: str, *, cookie: str | None = None) -> Request:
        rng = self.rng
        found = self.baselines.get(f"{method} {rule}", self.baselines.get(rule, {}))
        base = dict(rng.choice(found) if isinstance(found, list) else found)
        path_values = {k[1:-1]: base.pop(k).encode() for k in list(base) if k.startswith("<")}
        given = {k[1:]: base.pop(k).encode() for k in list(base) if k.startswith("@")}
        typed = dict(base)
        pairs: list[tuple[str, bytes]] = [(k, _text(v)) for k, v in base.items()]
        for _ in range(rng.randint(1, 3)):
            pairs = self._mutate(pairs)

        def fill(match: re.Match) -> str:
            name = match.group(1)
            mutate = name not in path_values or rng.random() < 0.5
            return _q(self.value() if mutate else path_values[name]) or "x"

        path = _PATH_VAR.sub(fill, rule)
        headers: list[tuple[str, bytes]] = list(given.items())
        if cookie is not None:
            headers.append(("Cookie", cookie.encode()))
        if rng.random() < 0.15:
            headers = [h for h in headers if h[0] != "Authorization"]
            headers.append(("Authorization", rng.choice(HOSTILE_AUTHORIZATION)))
        if rng.random() < 0.08:
            headers = [h for h in headers if h[0] != "Cookie"]
            headers.append(("Cookie", rng.choice(HOSTILE_COOKIES)))
        if rng.random() < 0.04:  # any byte but CR and LF (which would end the header)
            headers.append(("Accept-Language", rng.choice(HOSTILE)[:200].translate(
                None, b"\r\n")))
        if method in ("GET", "DELETE") or rng.random() < 0.1:
            query = _encode(pairs)
            return Request(method, path + ("?" + query if query else ""), b"", tuple(headers),
                           f"{method} {rule}")
        body, content_type = self._body(pairs, typed)
        headers.append(("Content-Type", content_type.encode("latin-1")))
        return Request(method, path, body, tuple(headers), f"{method} {rule}")

    def _mutate(self, pairs: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        rng = self.rng
        names = [n for n, _ in pairs]
        action = rng.random()
        if pairs and action < 0.55:  # replace the value of a parameter the endpoint expects
            at = rng.randrange(len(pairs))
            pairs = [*pairs[:at], (pairs[at][0], self.value()), *pairs[at + 1:]]
        elif pairs and action < 0.7:  # send a parameter twice
            pairs = [*pairs, (rng.choice(names), self.value())]
        elif pairs and action < 0.8:  # leave one out
            del pairs[rng.randrange(len(pairs))]
        else:  # a parameter the endpoint may read, or a hostile name
            name = rng.choice(PARAM_NAMES) if rng.random() < 0.85 else self.value()[:50].decode(
                "utf-8", "replace")
            pairs = [*pairs, (name, self.value())]
        return pairs

    def _body(self, pairs: list[tuple[str, bytes]], typed: dict[str, object]
              ) -> tuple[bytes, str]:
        rng = self.rng
        kind = rng.random()
        if kind < 0.65:
            return _encode(pairs).encode(), "application/x-www-form-urlencoded"
        if kind < 0.85:
            # A value left as the baseline had it keeps its JSON type.
            document: dict[str, object] = {
                n: typed[n] if n in typed and _text(typed[n]) == v else
                v.decode("utf-8", "surrogateescape") for n, v in pairs}
            for _ in range(rng.randint(1, 2)):
                key = rng.choice([*document, *PARAM_NAMES[:8]])
                document[key] = rng.choice(HOSTILE_JSON)
            text = json.dumps(document, ensure_ascii=rng.random() < 0.5)
            return text.encode("utf-8", "surrogatepass"), "application/json"
        if kind < 0.93:
            return rng.choice(HOSTILE_JSON_TEXT), "application/json"
        return _encode(pairs).encode(), rng.choice(_CONTENT_TYPES)


class _Connection:
    def __init__(self, base: str, timeout: float) -> None:
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[int, bytes]:
        for attempt in (1, 2):  # a server may close a kept-alive connection: retry once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
            try:
                self.conn.putrequest(request.method, request.target, skip_accept_encoding=True)
                for name, value in request.headers:
                    self.conn.putheader(name, value)
                self.conn.putheader("Content-Length", str(len(request.body)))
                self.conn.endheaders(request.body)
                answer = self.conn.getresponse()
                content = answer.read()
                if answer.will_close:
                    self.close()
                return answer.status, content
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def probe(base: str, requests: Sequence[Request], *, workers: int = 2,
          timeout: float = 30) -> Report:
    """Send every request to the server at base (keep-alive, ``workers`` threads); report the
    answers with a 5xx status and the requests that got no answer at all."""
    report = Report()
    lock = threading.Lock()
    queue = list(reversed(requests))

    def work() -> None:
        connection = _Connection(base, timeout)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    request = queue.pop()
                started = time.monotonic()
                try:
                    status, content = connection.send(request)
                except (OSError, http.client.HTTPException) as exc:
                    status, content = None, repr(exc).encode()
                except ValueError as exc:  # http.client would not send it (a header's CR LF)
                    connection.close()
                    status, content = 0, repr(exc).encode()
                took = time.monotonic() - started
                with lock:
                    report.sent += 1
                    report.slowest = sorted([*report.slowest, (took, request)],
                                            key=lambda pair: -pair[0])[:5]
                    if status == 0:
                        report.unsendable += 1
                    elif status is None or status >= 500:
                        report.failures.append(
                            Failure(request, status, content.decode("utf-8", "replace")))
                    if status:
                        report.statuses[status] = report.statuses.get(status, 0) + 1
                        key = (request.label, status)
                        report.by_label[key] = report.by_label.get(key, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report


def assert_no_server_error(base: str, batches: Sequence[Request], log: Path, title: str,
                           rules: int, *, by_label: bool = False) -> None:
    """Send batches to the served IdP at base; fail on any 5xx, on a request not sent, and on
    any traceback the server wrote to log. Prints what was sent (pytest -s shows it)."""
    started = time.monotonic()
    report = probe(base, batches)
    elapsed = time.monotonic() - started
    time.sleep(0.3)  # let the server finish writing its log
    text = log.read_text()
    tracebacks = [m.start() for m in re.finditer("Traceback", text)]
    print(f"{title}: {report.sent} requests to {rules} rules in {elapsed:.1f} s; "
          f"statuses {sorted(report.statuses.items())}")
    if by_label:
        for (label, status), n in sorted(report.by_label.items()):
            print(f"  {label:45} {status} x{n}")
    assert not report.failures, report.describe()
    assert report.sent == len(batches)
    assert not tracebacks, text[tracebacks[0]:tracebacks[0] + 3000]
