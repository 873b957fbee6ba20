"""A self-service terminal (or TV) signing a person in with the device flow (RFC 8628).

The terminal shows a code; the person opens the IdP's /device page on their own phone, types
it (or scans the QR code of verification_uri_complete), logs in and confirms "是这台设备吗？".
Meanwhile the terminal polls the token endpoint. Configuration from the environment:

    YIWANG_ISSUER        e.g. https://id.example.gov.cn
    TERMINAL_CLIENT_ID   a public client registered for the grant:
                         idp clients add --name 自助终端 --public \
                             --grant-type urn:ietf:params:oauth:grant-type:device_code --json
    TERMINAL_SCOPE       default "openid profile"

    pip install requests joserfc
    python device_terminal.py      # exit status 0 once signed in, 1 when denied or expired
"""

from __future__ import annotations

import os
import sys
import time

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def main() -> int:
    issuer = os.environ["YIWANG_ISSUER"].rstrip("/")
    client_id = os.environ["TERMINAL_CLIENT_ID"]
    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    start = requests.post(meta["device_authorization_endpoint"], timeout=10, data={
        "client_id": client_id, "scope": os.environ.get("TERMINAL_SCOPE", "openid profile")})
    if start.status_code != 200:  # e.g. unauthorized_client: not registered for the grant
        print("无法开始 / cannot start:", start.json().get("error"), flush=True)
        return 1
    device = start.json()
    # A real terminal draws verification_uri_complete as a QR code beside these lines.
    print("请用手机打开 / On your phone open:", device["verification_uri"], flush=True)
    print("输入代码 / and enter the code:", device["user_code"], flush=True)
    print("或扫码 / or scan:", device["verification_uri_complete"], flush=True)

    interval, deadline = device["interval"], time.monotonic() + device["expires_in"]
    while time.monotonic() < deadline:
        time.sleep(interval)
        answer = requests.post(meta["token_endpoint"], timeout=10, data={
            "grant_type": DEVICE_GRANT, "device_code": device["device_code"],
            "client_id": client_id}).json()
        error = answer.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":  # RFC 8628 §3.5: wait 5 s longer from now on
            interval += 5
            continue
        if error:  # access_denied (the person said no), expired_token, invalid_grant
            print("未登录 / not signed in:", error, flush=True)
            return 1
        keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
        claims = jwt.decode(answer["id_token"], keys,
                            algorithms=meta["id_token_signing_alg_values_supported"]).claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": issuer},
                              aud={"essential": True, "value": client_id}).validate(claims)
        person = requests.get(meta["userinfo_endpoint"], timeout=10, headers={
            "Authorization": f"Bearer {answer['access_token']}"}).json()
        print(f"已登录 / signed in: {person.get('name', person['sub'])} "
              f"(level {claims['acr']})", flush=True)
        return 0
    print("未登录 / not signed in: expired_token", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
