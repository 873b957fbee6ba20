"""Passkey assertions checked per second, in process, against the signature check alone.

    .venv/bin/python bench/passkeys.py [--seconds 5]

A software authenticator in Python (an ES256 key, then an Ed25519 one) answers the options of
``idp.authn.passkeys.assertion``; each passwordless login runs the whole check the login page
runs: the challenge made and taken from the Store, the credential looked up, py_webauthn's
verification, the signature counter moved on, the audit event written (SQLite, SQL Store).
Beside it, py_webauthn's ``verify_authentication_response`` alone on the same assertions.
Prints checks per second (wall clock, and per CPU-second of this process: a shared machine
slows the first, not the second) per key type, with the machine.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import secrets
import struct
import tempfile
import time
from pathlib import Path

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from webauthn import verify_authentication_response

from idp.accounts import service
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR, Actor
from idp.authn.passkeys.assertion import LOGIN, assertion_options, verify_assertion
from idp.authn.passkeys.models import Passkey
from idp.authn.passkeys.relying_party import relying_party
from idp.settings import Settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftwareAuthenticator:
    def __init__(self, kind: str):
        self.kind = kind
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0
        if kind == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
            numbers = self.key.public_key().public_numbers()
            self.cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                                     -3: numbers.y.to_bytes(32, "big")})
        else:
            self.key = ed25519.Ed25519PrivateKey.generate()
            raw = self.key.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)
            self.cose = cbor2.dumps({1: 1, 3: -8, -1: 6, -2: raw})

    def answer(self, challenge: str, rp_id: str, origin: str, user: str) -> str:
        self.counter += 1
        client_data = json.dumps({"type": "webauthn.get", "challenge": challenge,
                                  "origin": origin}).encode()
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([0x05]) \
            + struct.pack(">I", self.counter)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256())) \
            if self.kind == "ES256" else self.key.sign(signed)
        credential_id = b64url(self.credential_id)
        return json.dumps({"id": credential_id, "rawId": credential_id, "type": "public-key",
                           "clientExtensionResults": {}, "response": {
                               "clientDataJSON": b64url(client_data),
                               "authenticatorData": b64url(auth_data),
                               "signature": b64url(signature),
                               "userHandle": b64url(user.encode())}})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    from idp.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="passkey-bench-"))
    settings = Settings(issuer="http://localhost:8000", data_dir=folder,
                        database_url=f"sqlite:///{folder / 'yiwang.db'}",
                        kek=base64.b64encode(os.urandom(32)).decode(),
                        argon2_memory_kib=1024, argon2_time_cost=1)
    services = create_app(settings).extensions["yiwang"]
    rp = relying_party(services)
    actor = Actor(ip="127.0.0.1", user_agent="bench")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.python_version()}, "
          f"SQLite, SQL Store")
    for kind in ("ES256", "Ed25519"):
        authenticator = SoftwareAuthenticator(kind)
        first17 = f"33010619900101{len(kind):03d}"
        person = service.create_person(
            services, SYSTEM_ACTOR, username=f"bench{kind.lower()}", password="x" * 12,
            name="测试", id_number=first17 + id_number_check_char(first17), assurance_level=2)
        with services.db.begin() as session:
            session.add(Passkey(account_id=person.id, credential_id=b64url(
                authenticator.credential_id), public_key=authenticator.cose, sign_count=0,
                transports=["internal"], aaguid="00000000-0000-0000-0000-000000000000",
                method="swk", name="bench"))
        done, started, cpu = 0, time.perf_counter(), time.process_time()
        answers = []
        while time.perf_counter() - started < args.seconds:
            binding = secrets.token_urlsafe(18)
            options = json.loads(assertion_options(services, LOGIN, binding))
            answer = authenticator.answer(options["challenge"], rp.id, rp.origin, person.id)
            result = verify_assertion(services, LOGIN, binding, answer, actor=actor,
                                      door="person")
            assert result.error is None, result.error
            answers.append((options["challenge"], answer))
            done += 1
        full = done / (time.perf_counter() - started)
        full_cpu = done / (time.process_time() - cpu)
        checked, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < args.seconds:
            challenge, answer = answers[checked % len(answers)]
            verify_authentication_response(
                credential=answer, expected_challenge=base64.urlsafe_b64decode(
                    challenge + "=" * (-len(challenge) % 4)),
                expected_rp_id=rp.id, expected_origin=rp.origin,
                credential_public_key=authenticator.cose, credential_current_sign_count=0,
                require_user_verification=True)
            checked += 1
        alone = checked / (time.perf_counter() - started)
        alone_cpu = checked / (time.process_time() - cpu)
        print(f"{kind}: passwordless checks (options + verify_assertion) {full:,.0f}/s wall, "
              f"{full_cpu:,.0f} per CPU-second; py_webauthn's verification alone "
              f"{alone:,.0f}/s wall, {alone_cpu:,.0f} per CPU-second")


if __name__ == "__main__":
    main()
