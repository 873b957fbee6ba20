"""Two `idp serve` processes on one database agree on the current key after a CLI rotation."""

import json
import time

import requests


def _current_rs256(base: str) -> str:
    # The JWKS lists each algorithm's current key first (keys.signing.SigningKeys.jwks).
    keys = requests.get(f"{base}/jwks", timeout=5).json()["keys"]
    return next(key["kid"] for key in keys if key["alg"] == "RS256")


def _poll(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_two_servers_agree_on_the_current_key_after_a_rotation_made_through_the_cli(
    backend, idp_env, run_idp, serve_idp
):
    env = idp_env()
    first, second = serve_idp(env), serve_idp(env)
    before = _current_rs256(first)
    assert _poll(lambda: _current_rs256(second) == before)

    result = run_idp(["keys", "rotate", "--alg", "RS256", "--json"], env)
    assert result.returncode == 0, result.stderr
    rotation = json.loads(result.stdout)
    assert rotation["retired"] == before

    assert _poll(lambda: _current_rs256(first) == _current_rs256(second) == rotation["current"])
    published = {key["kid"] for key in requests.get(f"{second}/jwks", timeout=5).json()["keys"]}
    assert {before, rotation["current"], rotation["next"]} <= published
