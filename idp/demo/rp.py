"""A small department site (relying party) on Authlib's Flask client, with PKCE.

It keeps its sign-ins server-side (the cookie holds only a random handle) so that a
back-channel logout from the IdP can end them: the IdP cannot reach the browser's cookie.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, redirect, render_template_string, request, session

from idp.demo.logout_token import LogoutTokenError, verify_logout_token
from idp.demo.page import PAGE
from idp.demo.sites import Site

# ID token bookkeeping the page does not show (the person's data and acr stay).
PROTOCOL_CLAIMS = frozenset({"iss", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "c_hash",
                             "auth_time", "azp", "sid", "jti"})


class SignIns:
    """handle -> what the site knows about a signed-in user; removable by the IdP's sid."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_handle: dict[str, dict[str, Any]] = {}

    def add(self, entry: dict[str, Any]) -> str:
        handle = secrets.token_urlsafe(24)
        with self._lock:
            self._by_handle[handle] = entry
        return handle

    def get(self, handle: str | None) -> dict[str, Any] | None:
        with self._lock:
            return self._by_handle.get(handle or "")

    def pop(self, handle: str | None) -> dict[str, Any] | None:
        with self._lock:
            return self._by_handle.pop(handle or "", None)

    def end(self, *, sid: str | None, sub: str | None) -> int:
        """Back-channel logout §2.7: end the sign-ins of that IdP session (or that user)."""
        with self._lock:
            gone = [h for h, e in self._by_handle.items()
                    if (sid and e["sid"] == sid) or (not sid and e["sub"] == sub)]
            for handle in gone:
                del self._by_handle[handle]
        return len(gone)


def create_site(site: Site, issuer: str, others: list[Site]) -> Flask:
    app = Flask(f"demo-{site.spec.key}")
    app.config.update(SECRET_KEY=secrets.token_bytes(32),
                      # All demo servers share the host 127.0.0.1: cookies are per host, not
                      # per port, so each site needs its own cookie name.
                      SESSION_COOKIE_NAME=f"demo_{site.spec.key}", SESSION_COOKIE_SAMESITE="Lax")
    oauth = OAuth(app)
    idp = oauth.register(
        "yiwang", client_id=site.client_id, client_secret=site.client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": site.spec.scope, "code_challenge_method": "S256"},
    )
    sign_ins = SignIns()
    app.extensions["demo_sign_ins"] = sign_ins

    def page(message: str | None = None, status: int = 200):
        entry = sign_ins.get(session.get("handle"))
        return render_template_string(PAGE, site=site, others=others, user=entry,
                                      message=message), status

    @app.get("/")
    def home():
        # Back from RP-initiated logout: the state we sent comes back (RP-Initiated §3).
        state = request.args.get("state")
        if state and state == session.pop("logout_state", None):
            return page("您已退出所有站点。You are signed out of every site.")
        return page()

    @app.get("/login")
    def login():
        return idp.authorize_redirect(f"{site.base_url}/callback")

    @app.get("/callback")
    def callback():
        if "error" in request.args:
            return page(f"{request.args['error']}: {request.args.get('error_description', '')}",
                        400)
        try:
            token = idp.authorize_access_token()
            claims = {**token["userinfo"], **idp.userinfo(token=token)}
            shown = {k: v for k, v in claims.items() if k not in PROTOCOL_CLAIMS}
        except OAuthError as exc:
            return page(f"{exc.error}: {exc.description}", 400)
        session["handle"] = sign_ins.add({"sid": token["userinfo"].get("sid"),
                                          "sub": claims["sub"], "claims": shown,
                                          "id_token": token["id_token"]})
        return redirect("/")

    @app.get("/logout")
    def logout():
        # RP-Initiated Logout §2: send the browser to the IdP with our ID token as the hint.
        entry = sign_ins.pop(session.pop("handle", None))
        if entry is None:
            return redirect("/")
        end = idp.load_server_metadata()["end_session_endpoint"]
        session["logout_state"] = state = secrets.token_urlsafe(12)
        query = urlencode({"id_token_hint": entry["id_token"], "state": state,
                           "post_logout_redirect_uri": f"{site.base_url}/"})
        return redirect(f"{end}?{query}")

    @app.post("/backchannel-logout")
    def backchannel_logout():
        try:
            claims = verify_logout_token(
                request.form.get("logout_token", ""), issuer=issuer, client_id=site.client_id,
                fetch_jwks=lambda force: idp.fetch_jwk_set(force=force),
            )
        except LogoutTokenError as exc:
            return {"error": "invalid_request", "error_description": str(exc)}, 400
        sign_ins.end(sid=claims.get("sid"), sub=claims.get("sub"))
        return "", 200, {"Cache-Control": "no-store"}

    return app
