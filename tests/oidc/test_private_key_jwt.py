"""private_key_jwt (RFC 7523 §2.2, OIDC Core §9) with keys inline or at a client's jwks_uri.

The jwks_uri is served by the shared http_server on loopback; each test controls its answers.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from tests.conftest import free_port

ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture
def settings(settings):
    return replace(settings, oidc_jwks_fetch_timeout=1)


class JwksServer:
    """The client's jwks_uri on the shared http_server: answers GET with ``body`` (waiting
    ``hang`` seconds first), counts the requests."""

    def __init__(self, http_server) -> None:
        self.body: bytes = b""
        self.status = 200
        self.hang = 0.0
        self.hits = 0
        self.url = f"{http_server(self._answer).url}/jwks.json"

    def _answer(self, hit):
        self.hits += 1
        if self.hang:
            time.sleep(self.hang)
        # A redirect to the same document: refused anyway.
        headers = {"Content-Type": "application/json",
                   **({"Location": self.url} if self.status == 302 else {})}
        return self.status, self.body, headers

    def publish(self, *keys) -> None:
        self.body = json.dumps({"keys": [k.as_dict(private=False) for k in keys]}).encode()


@pytest.fixture
def jwks_server(http_server):
    return JwksServer(http_server)


def _key(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid}, private=True)


@pytest.fixture
def key_client(make_client, jwks_server):
    key = _key("k1")
    jwks_server.publish(key)
    rp = make_client(token_endpoint_auth_method="private_key_jwt", jwks_uri=jwks_server.url,
                     grant_types=["client_credentials"], scope="profile", redirect_uris=[])
    return rp, key


def _claims(rp, audience, **changes):
    now = int(time.time())
    claims = {"iss": rp.client_id, "sub": rp.client_id, "aud": audience,
              "jti": f"j-{time.monotonic_ns()}", "iat": now, "exp": now + 60}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _token(client, assertion: str):
    return client.post("/token", data={"grant_type": "client_credentials",
                                       "client_assertion_type": ASSERTION,
                                       "client_assertion": assertion})


def _signed(rp, key, audience, kid=None, **changes) -> str:
    return jwt.encode({"alg": "ES256", "kid": kid or key.kid}, _claims(rp, audience, **changes),
                      key)


def _refused(response) -> bool:
    return response.status_code in (400, 401) and response.json["error"] == "invalid_client"


def test_keys_are_fetched_from_the_jwks_uri_and_cached(client, svc, key_client, jwks_server):
    rp, key = key_client
    token_url = svc.settings.issuer + "/token"
    assert _token(client, _signed(rp, key, token_url)).status_code == 200
    assert _token(client, _signed(rp, key, svc.settings.issuer)).status_code == 200
    assert jwks_server.hits == 1


def test_an_unknown_kid_fetches_the_rotated_set_once_and_not_again_at_once(
    client, svc, key_client, jwks_server
):
    rp, old = key_client
    token_url = svc.settings.issuer + "/token"
    assert _token(client, _signed(rp, old, token_url)).status_code == 200
    new = _key("k2")
    jwks_server.publish(old, new)  # the client rotates: its next assertion names k2
    assert _token(client, _signed(rp, new, token_url)).status_code == 200
    assert jwks_server.hits == 2
    assert _refused(_token(client, _signed(rp, _key("k3"), token_url)))
    assert jwks_server.hits == 2  # rate-limited: no second refetch right after the first


@pytest.mark.parametrize("problem", ["unreachable", "404", "not_json", "too_big", "private",
                                     "symmetric", "empty", "slow", "redirect"])
def test_a_bad_or_unreachable_jwks_uri_is_invalid_client(
    client, svc, make_client, key_client, jwks_server, problem
):
    rp, key = key_client
    private, served = key.as_dict(private=True), jwks_server
    if problem == "unreachable":  # nothing listens there
        rp = make_client(token_endpoint_auth_method="private_key_jwt", scope="profile",
                         jwks_uri=f"http://127.0.0.1:{free_port()}/jwks.json",
                         grant_types=["client_credentials"], redirect_uris=[])
    served.status = {"404": 404, "redirect": 302}.get(problem, 200)
    served.body = {
        "not_json": b"<html>hello</html>",
        "too_big": json.dumps({"keys": [key.as_dict(private=False)],
                               "pad": "x" * 70_000}).encode(),
        "private": json.dumps({"keys": [private]}).encode(),
        "symmetric": json.dumps({"keys": [OctKey.generate_key(256).as_dict()]}).encode(),
        "empty": b'{"keys": []}',
    }.get(problem, served.body)
    served.hang = 1.5 if problem == "slow" else 0.0
    response = _token(client, _signed(rp, key, svc.settings.issuer + "/token"))
    assert _refused(response)
    assert "\n" not in response.json.get("error_description", "")


@pytest.mark.parametrize(("case", "changes"), [
    ("wrong audience", {"aud": "https://elsewhere.example.cn/token"}),
    ("iss is not the client", {"iss": "someone-else"}),
    ("no exp", {"exp": None}),
    ("expired", {"exp": 1_000_000_000, "iat": 999_999_000}),
    ("no jti", {"jti": None}),
])
def test_assertion_claims_are_enforced(client, svc, key_client, case, changes):
    rp, key = key_client
    assert _refused(_token(client, _signed(rp, key, svc.settings.issuer + "/token", **changes)))


def test_a_jti_is_accepted_once(client, svc, key_client):
    rp, key = key_client
    assertion = _signed(rp, key, svc.settings.issuer + "/token")
    assert _token(client, assertion).status_code == 200
    assert _refused(_token(client, assertion))


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_unsigned_and_hmac_assertions_are_refused(client, svc, key_client):
    rp, key = key_client
    claims = _claims(rp, svc.settings.issuer + "/token")
    unsigned = ".".join([_b64(b'{"alg":"none"}'), _b64(json.dumps(claims).encode()), ""])
    assert _refused(_token(client, unsigned))
    # The classic confusion: the public key's JSON used as an HMAC secret.
    public = json.dumps(key.as_dict(private=False)).encode()
    forged = jwt.encode({"alg": "HS256", "kid": "k1"}, claims, OctKey.import_key(public))
    assert _refused(_token(client, forged))


def test_a_secret_client_cannot_use_an_assertion(client, svc, make_client, key_client):
    secret_rp = make_client(grant_types=["client_credentials"], scope="profile",
                            redirect_uris=[])
    _, key = key_client
    assert _refused(_token(client, _signed(secret_rp, key, svc.settings.issuer + "/token")))
