"""A complete small department site (relying party) on Yiwang, with Authlib's Flask client.

Log in (authorization code + PKCE S256 + nonce), the callback (ID token checked by Authlib:
signature from the IdP's JWKS, iss, aud, exp, nonce), userinfo, RP-initiated logout and a
back-channel logout endpoint. Configuration from the environment:

    YIWANG_ISSUER          e.g. https://id.example.gov.cn
    RP_CLIENT_ID           from `idp clients add ... --json`
    RP_CLIENT_SECRET
    RP_BASE_URL            this site's own URL, e.g. https://gjj.example.gov.cn (default
                           http://127.0.0.1:5000); the callback is RP_BASE_URL + /callback
    RP_SCOPE               default "openid profile"
    RP_ACR_VALUES          optional: "2" or "3" to ask for a higher level

    pip install authlib flask requests joserfc
    RP_CLIENT_ID=... RP_CLIENT_SECRET=... YIWANG_ISSUER=... python app.py

Register it with: idp clients add --name 示例站点 --redirect-uri $RP_BASE_URL/callback
    --post-logout-redirect-uri $RP_BASE_URL/ --backchannel-logout-uri
    $RP_BASE_URL/backchannel-logout --json
"""

from __future__ import annotations

import os
import secrets
import threading
from html import escape
from urllib.parse import urlencode, urlsplit

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, redirect, request, session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ISSUER = os.environ["YIWANG_ISSUER"].rstrip("/")
BASE_URL = os.environ.get("RP_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("RP_SESSION_KEY") or secrets.token_bytes(32),
    # Cookies are per host, not per port: on one test host the IdP's cookie must not be
    # overwritten by ours, so ours has a name of its own.
    SESSION_COOKIE_NAME="rp_session",
    SESSION_COOKIE_SAMESITE="Lax",
    SESSION_COOKIE_SECURE=BASE_URL.startswith("https://"),
)
oauth = OAuth(app)
yiwang = oauth.register(
    "yiwang",
    client_id=os.environ["RP_CLIENT_ID"],
    client_secret=os.environ["RP_CLIENT_SECRET"],
    # Discovery gives every endpoint and the JWKS: nothing else to configure.
    server_metadata_url=f"{ISSUER}/.well-known/openid-configuration",
    client_kwargs={"scope": os.environ.get("RP_SCOPE", "openid profile"),
                   "code_challenge_method": "S256"},
)

# Sign-ins are kept server-side, by the IdP's session id (sid), so that a back-channel logout
# (which cannot reach the browser's cookie) can end them. A real site keeps them in its database.
_lock = threading.Lock()
_sign_ins: dict[str, dict] = {}


def _page(body: str, status: int = 200):
    return (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width">'
            f"<title>示例站点</title><body>{body}</body></html>", status)


def _current() -> dict | None:
    with _lock:
        return _sign_ins.get(session.get("handle", ""))


@app.get("/")
def home():
    user = _current()
    if user is None:
        return _page('<p>未登录 Not signed in. <a href="/login">登录 Log in</a></p>')
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                   for k, v in sorted(user["claims"].items()))
    return _page(f'<p>已登录 Signed in. <a href="/logout">退出 Log out</a></p>'
                 f'<table id="claims">{rows}</table>')


@app.get("/login")
def login():
    extra = {}
    if os.environ.get("RP_ACR_VALUES"):
        extra["acr_values"] = os.environ["RP_ACR_VALUES"]
    # Authlib makes state, nonce and the PKCE verifier and keeps them in our session.
    return yiwang.authorize_redirect(f"{BASE_URL}/callback", **extra)


@app.get("/callback")
def callback():
    if "error" in request.args:  # e.g. access_denied, login_required
        return _page(f"<p>登录失败 Login failed: {escape(request.args['error'])} "
                     f"{escape(request.args.get('error_description', ''))}</p>", 400)
    try:
        # Exchanges the code (with the PKCE verifier) and checks the ID token and its nonce.
        token = yiwang.authorize_access_token()
        userinfo = yiwang.userinfo(token=token)
    except OAuthError as exc:
        return _page(f"<p>登录失败 Login failed: {escape(exc.error)}</p>", 400)
    id_token = token["userinfo"]  # Authlib's name for the verified ID token claims
    if userinfo["sub"] != id_token["sub"]:  # OIDC Core §5.3.2
        return _page("<p>userinfo sub mismatch</p>", 400)
    handle = secrets.token_urlsafe(24)
    with _lock:
        _sign_ins[handle] = {"sid": id_token.get("sid"), "sub": id_token["sub"],
                             "id_token": token["id_token"],
                             "claims": {**userinfo, "acr": id_token.get("acr"),
                                        "amr": id_token.get("amr")}}
    session["handle"] = handle
    return redirect("/")


@app.get("/logout")
def logout():
    """RP-initiated logout: end our sign-in, then send the browser to the IdP with the hint."""
    with _lock:
        user = _sign_ins.pop(session.pop("handle", ""), None)
    if user is None:
        return redirect("/")
    end_session = yiwang.load_server_metadata()["end_session_endpoint"]
    query = urlencode({"id_token_hint": user["id_token"], "client_id": yiwang.client_id,
                       "post_logout_redirect_uri": f"{BASE_URL}/"})
    return redirect(f"{end_session}?{query}")


@app.post("/backchannel-logout")
def backchannel_logout():
    """OIDC Back-Channel Logout §2.6: check the logout token, end that IdP session's sign-ins."""
    raw = request.form.get("logout_token", "")
    algorithms = ["RS256", "ES256", "PS256", "EdDSA"]
    try:
        try:
            token = jwt.decode(raw, KeySet.import_key_set(yiwang.fetch_jwk_set()), algorithms)
        except JoseError:  # perhaps a key the IdP published since we cached its JWKS
            token = jwt.decode(raw, KeySet.import_key_set(yiwang.fetch_jwk_set(force=True)),
                               algorithms)
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER},
                              aud={"essential": True, "value": yiwang.client_id},
                              iat={"essential": True}).validate(token.claims)
    except (JoseError, ValueError):
        return {"error": "invalid_request"}, 400
    claims = token.claims
    if BACKCHANNEL_EVENT not in (claims.get("events") or {}) or "nonce" in claims:
        return {"error": "invalid_request"}, 400
    with _lock:
        for handle in [h for h, u in _sign_ins.items()
                       if (claims.get("sid") and u["sid"] == claims["sid"])
                       or (not claims.get("sid") and u["sub"] == claims.get("sub"))]:
            del _sign_ins[handle]
    return "", 200, {"Cache-Control": "no-store"}


if __name__ == "__main__":
    split = urlsplit(BASE_URL)
    app.run(host=split.hostname, port=split.port or 5000)
