"""GET/POST /scan/<id>: the provincial app confirms a scan-to-login (扫码登录) with the person's
access token (RFC 6750 bearer, issued to the app's client ``yiwang-app`` only).

GET answers what the phone must show before the person decides: the site asking, the
browser's IP and user agent, and when the code expires (and tells the PC page it was scanned).
POST ``{"decision": "confirm"|"deny"}`` (JSON or form) decides, once. A browser opening the
QR code's URL without a token gets a page saying to use the app. The work is in
``idp.authn.scan_login``.
"""

from __future__ import annotations

from flask import jsonify, render_template, request

from clients.app_client import is_app_client
from idp.audit import Actor
from idp.authn.scan_login import ScanRefusal, ScanRequest, decide, scanned_by_app
from idp.oidc.tokens import access_tokens
from idp.services import services
from idp.web import csrf

_STATUS = {ScanRefusal.UNKNOWN: 404, ScanRefusal.EXPIRED: 410, ScanRefusal.DECIDED: 409,
           ScanRefusal.ACCOUNT: 403}
_SAYS = {
    ScanRefusal.UNKNOWN: "No such login request: scan the code on the page again.",
    ScanRefusal.EXPIRED: "The code has expired: refresh the page on the computer.",
    ScanRefusal.DECIDED: "This login request was already confirmed or denied.",
    ScanRefusal.ACCOUNT: "This account cannot log in by scanning.",
}


@csrf.exempt  # authenticated by the bearer token, not a cookie
def scan_request(request_id: str):
    svc = services()
    token = _bearer()
    if token is None and request.method == "GET" and request.accept_mimetypes.accept_html:
        return render_template("auth/scan_use_app.html"), 200
    claims = access_tokens.verify(svc, token) if token else None
    user = access_tokens.end_user(svc, claims) if claims else None
    if claims is None or user is None or not is_app_client(claims.get("client_id")):
        # RFC 6750 §3.1: a token that is not the app's is not valid for this resource.
        return _error(401, "invalid_token" if token else None,
                      "A live access token of the provincial app is required.")
    actor = Actor(ip=request.remote_addr, user_agent=request.user_agent.string or None)
    if request.method == "GET":
        answer = scanned_by_app(svc, actor, request_id[:64], user.account_id)
    else:
        decision = _decision()
        if decision not in ("confirm", "deny"):
            return _error(400, "invalid_request", 'decision must be "confirm" or "deny"')
        answer = decide(svc, actor, request_id[:64], account_id=user.account_id, acr=user.acr,
                        confirm=decision == "confirm")
    if isinstance(answer, ScanRefusal):
        return _error(_STATUS[answer], str(answer), _SAYS[answer])
    return _shown(answer)


def _shown(scan: ScanRequest):
    """What the phone shows: who asks, from which browser (anti-phishing: the person sees
    the site and can tell a browser that is not theirs)."""
    response = jsonify({
        "request": scan.id, "state": scan.state,
        "site": scan.site or "一网通办 (Yiwang)", "client_id": scan.client_id,
        "browser": {"ip": scan.ip, "user_agent": scan.user_agent},
        "requested_at": scan.created_at, "expires_at": scan.expires_at,
        **({"level": scan.level} if scan.level else {}),
    })
    response.headers["Cache-Control"] = "no-store"
    return response


def _decision() -> str | None:
    if request.is_json:
        body = request.get_json(silent=True)
        return body.get("decision") if isinstance(body, dict) else None
    return request.form.get("decision")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return (header[7:].strip() or None) if header[:7].lower() == "bearer " else None


def _error(status: int, error: str | None, description: str):
    challenge = 'Bearer realm="scan-login"'
    if status == 401 and error:
        challenge += f', error="{error}"'
    response = jsonify({"error": error or "invalid_token", "error_description": description})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response
