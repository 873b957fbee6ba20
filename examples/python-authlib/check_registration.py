"""Check a relying party's registration at Yiwang before going live (检查接入登记).

    python check_registration.py --issuer https://id.example.gov.cn --client-id=ID \
        --redirect-uri https://gjj.example.gov.cn/callback --client-secret-stdin < secret.txt

(--client-id=ID with "=": a client id may begin with "-".)

Checks, each printed ✓ or ✗ in Chinese and English:
  1. discovery answers at <issuer>/.well-known/openid-configuration and names this issuer;
  2. the JWKS has signing keys;
  3. the client id and redirect URI are registered: an authorization request is started and
     the IdP's answer read (its login page: registered; an error page: not);
  4. with --client-secret-stdin: the secret is accepted at the token endpoint (a made-up code
     must get invalid_grant, not invalid_client); --public for a client without a secret;
  5. with --username (the password is the next line of stdin, or asked for): the whole code
     flow through the IdP's login form (no JavaScript), whether every requested scope was
     granted, the ID token checked (signature, iss, aud, nonce), userinfo, and the claims the
     client receives.
Exit status 0 when every check passed, 1 otherwise. Needs: pip install requests joserfc
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import re
import secrets
import sys
from html import unescape
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

TIMEOUT = 10
_HIDDEN = re.compile(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"')
_ERROR_TEXT = re.compile(r"<main[^>]*>(.*?)</main>", re.S)
_FORM = re.compile(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', re.S)


class Report:
    def __init__(self) -> None:
        self.failed = 0

    def check(self, ok: bool, zh: str, en: str, detail: str = "") -> bool:
        mark = "✓" if ok else "✗"
        self.failed += not ok
        print(f"{mark} {zh} / {en}" + (f": {detail}" if detail else ""), flush=True)
        return ok


def _text(html: str) -> str:
    """The visible words of an error page, to show the department why."""
    body = _ERROR_TEXT.search(html)
    words = re.sub(r"<[^>]+>", " ", body.group(1) if body else html)
    return " ".join(unescape(words).split())[:300]


def _authorization_url(meta: dict, args, state: str, nonce: str, verifier: str) -> str:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return meta["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": args.client_id, "redirect_uri": args.redirect_uri,
        "scope": args.scope, "state": state, "nonce": nonce,
        "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256",
    })


def check_discovery(report: Report, issuer: str) -> dict | None:
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        meta = requests.get(url, timeout=TIMEOUT).json()
    except (requests.RequestException, ValueError) as exc:
        report.check(False, "发现文档", "discovery document", f"{url}: {exc}")
        return None
    if not report.check(meta.get("issuer") == issuer, "发现文档与签发者一致",
                        "discovery names this issuer", f"issuer={meta.get('issuer')}"):
        return None
    return meta


def check_jwks(report: Report, meta: dict) -> KeySet | None:
    try:
        keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=TIMEOUT).json())
    except (requests.RequestException, ValueError, KeyError, JoseError) as exc:
        report.check(False, "签名公钥", "signing keys (JWKS)", str(exc))
        return None
    report.check(bool(keys.keys), "签名公钥", "signing keys (JWKS)", f"{len(keys.keys)} keys")
    return keys


def check_registration(report: Report, meta: dict, args) -> bool:
    """The IdP's answer to an authorization request from this client and redirect URI."""
    url = _authorization_url(meta, args, secrets.token_urlsafe(16), secrets.token_urlsafe(16),
                             secrets.token_urlsafe(48))
    answer = requests.get(url, allow_redirects=False, timeout=TIMEOUT)
    if answer.is_redirect:
        location = urljoin(url, answer.headers["Location"])
        if location.startswith(args.redirect_uri):
            # The redirect URI is registered, but the request was refused (OAuth 2.0 §4.1.2.1).
            error = parse_qs(urlsplit(location).query).get("error", ["?"])[0]
            return report.check(False, "客户端与回调地址已登记，但请求被拒绝",
                                "client and redirect URI registered, request refused", error)
        return report.check(True, "客户端与回调地址已登记", "client and redirect URI registered",
                            "the IdP asks the person to log in")
    return report.check(False, "客户端或回调地址未登记", "client or redirect URI not registered",
                        f"HTTP {answer.status_code}: {_text(answer.text)}")


def check_secret(report: Report, meta: dict, args) -> bool:
    answer = requests.post(meta["token_endpoint"], auth=(args.client_id, args.client_secret),
                           data={"grant_type": "authorization_code", "code": "made-up",
                                 "redirect_uri": args.redirect_uri,
                                 "code_verifier": secrets.token_urlsafe(48)}, timeout=TIMEOUT)
    error = answer.json().get("error") if answer.content else None
    return report.check(error == "invalid_grant", "客户端密钥正确", "client secret accepted",
                        f"token endpoint answered {error}")


def _log_in(browser: requests.Session, url: str, issuer: str, args) -> str | None:
    """Follow the flow through the login form (and a consent page) until it leaves the IdP."""
    for _ in range(20):
        if urlsplit(url).netloc != urlsplit(issuer).netloc:
            return url  # left the IdP: the relying party's callback, never fetched
        answer = browser.get(url, allow_redirects=False, timeout=TIMEOUT)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["Location"])
            continue
        if answer.status_code != 200:
            return None
        # The login form (its password field) or a consent page (a non-first-party client).
        forms = [(action, body) for action, body in _FORM.findall(answer.text)
                 if 'name="password"' in body or 'name="decision"' in body]
        if not forms:
            print("  " + _text(answer.text))
            return None
        action, body = forms[0]
        action = urljoin(url, unescape(action))
        form = {k: unescape(v) for k, v in _HIDDEN.findall(body)}
        if 'name="password"' in body:
            form.update(username=args.username, password=args.password)
        else:
            form.update(decision="allow")
        posted = browser.post(action, data=form, allow_redirects=False, timeout=TIMEOUT)
        if not posted.is_redirect:
            print("  " + _text(posted.text))
            return None
        url = urljoin(action, posted.headers["Location"])
    return None


def check_code_flow(report: Report, meta: dict, keys: KeySet, args) -> None:
    state, nonce, verifier = (secrets.token_urlsafe(16), secrets.token_urlsafe(16),
                              secrets.token_urlsafe(48))
    browser = requests.Session()
    callback = _log_in(browser, _authorization_url(meta, args, state, nonce, verifier),
                       args.issuer, args)
    query = parse_qs(urlsplit(callback or "").query)
    if not report.check("code" in query and query.get("state") == [state],
                        "登录后带授权码返回", "back with a code after the login",
                        query.get("error", [callback or "login failed"])[0]):
        return
    form = {"grant_type": "authorization_code", "code": query["code"][0],
            "redirect_uri": args.redirect_uri, "code_verifier": verifier}
    if args.public:  # token_endpoint_auth_method none: the client id in the body, PKCE only
        form["client_id"] = args.client_id
    answer = requests.post(meta["token_endpoint"], data=form, timeout=TIMEOUT,
                           auth=None if args.public else (args.client_id, args.client_secret))
    tokens = answer.json()
    if not report.check("id_token" in tokens, "换取令牌", "tokens for the code",
                        tokens.get("error", "")):
        return
    # Yiwang drops the scopes a client's registration does not allow (it does not refuse).
    missing = set(args.scope.split()) - set(tokens.get("scope", "").split())
    report.check(not missing, "所请求的授权范围均已授予", "every requested scope granted",
                 "not granted (not in the registration): " + " ".join(sorted(missing))
                 if missing else tokens.get("scope", ""))
    try:
        claims = jwt.decode(tokens["id_token"], keys,
                            algorithms=meta["id_token_signing_alg_values_supported"]).claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": args.issuer},
                              aud={"essential": True, "value": args.client_id},
                              nonce={"essential": True, "value": nonce}).validate(claims)
        report.check(True, "ID 令牌有效", "ID token valid",
                     f"acr={claims.get('acr')} amr={claims.get('amr')}")
    except (JoseError, ValueError) as exc:
        report.check(False, "ID 令牌有效", "ID token valid", str(exc))
        return
    info = requests.get(meta["userinfo_endpoint"], timeout=TIMEOUT,
                        headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    report.check(info.get("sub") == claims["sub"], "用户信息", "userinfo",
                 "claims: " + ", ".join(sorted(info)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--client-id", required=True, help="as --client-id=ID (it may begin "
                        "with -)")
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--client-secret-stdin", action="store_true",
                        help="read the client secret from the first line of stdin")
    parser.add_argument("--public", action="store_true",
                        help="a public client (native or browser app): no secret, PKCE only")
    parser.add_argument("--scope", default="openid")
    parser.add_argument("--username", help="a test account: run the whole code flow")
    args = parser.parse_args(argv)
    args.issuer = args.issuer.rstrip("/")
    args.client_secret = sys.stdin.readline().strip() if args.client_secret_stdin else None
    if args.username:
        args.password = (sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty()
                         else getpass.getpass("测试账号密码 / test account's password: "))

    report = Report()
    meta = check_discovery(report, args.issuer)
    if meta is None:
        return 1
    keys = check_jwks(report, meta)
    registered = check_registration(report, meta, args)
    if args.public:
        if args.username and keys and registered:
            check_code_flow(report, meta, keys, args)
    elif args.client_secret is not None:
        secret_ok = check_secret(report, meta, args)
        if args.username and keys and registered and secret_ok:
            check_code_flow(report, meta, keys, args)
    elif args.username:
        report.check(False, "完整登录需要客户端密钥", "the code flow needs the client secret",
                     "--client-secret-stdin")
    print("全部通过 / all passed" if not report.failed
          else f"{report.failed} 项未通过 / {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
