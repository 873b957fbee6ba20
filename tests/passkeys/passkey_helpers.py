"""What the passkey tests share besides fixtures (a module of its own, as tests/login has)."""

from __future__ import annotations

PASSWORD = "西湖边的春天 2026"


def password_login(page, base: str, username: str = "zhangsan", password: str = PASSWORD,
                   start: str | None = None) -> None:
    page.goto(start or f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action$='/login'] button[type=submit]")


def add_passkey(page, base: str, name: str) -> None:
    """Register a passkey from my account (the person is logged in)."""
    page.goto(f"{base}/account/passkeys")
    page.fill("input[name=name]", name)
    page.click("button[data-passkey=create]")
    page.wait_for_selector(f"text=已添加通行密钥“{name}”")


# navigator.credentials.get() run by a page of any origin with options our server made: what
# a look-alike site relaying our options would get from the person's authenticator.
GET_ASSERTION = """async (options) => {
  const bytes = (t) => Uint8Array.from(atob(t.replace(/-/g, '+').replace(/_/g, '/')
      + '==='.slice((t.length + 3) % 4)), c => c.charCodeAt(0)).buffer;
  const text = (b) => b && btoa(String.fromCharCode(...new Uint8Array(b)))
      .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  options.challenge = bytes(options.challenge);
  (options.allowCredentials || []).forEach(d => { d.id = bytes(d.id); });
  const c = await navigator.credentials.get({publicKey: options});
  return JSON.stringify({id: c.id, rawId: text(c.rawId), type: c.type,
    clientExtensionResults: {}, response: {
      clientDataJSON: text(c.response.clientDataJSON),
      authenticatorData: text(c.response.authenticatorData),
      signature: text(c.response.signature), userHandle: text(c.response.userHandle)}});
}"""


class SoftwareAuthenticator:
    """A passkey held in Python (ES256), for the checks a browser's authenticator cannot be
    made to fail: no user verification, an account disabled meanwhile. ``register`` stores
    it as registration would; ``answer`` signs an assertion for a challenge."""

    def __init__(self):
        import secrets

        from cryptography.hazmat.primitives.asymmetric import ec

        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0

    def register(self, services, account_id: str) -> None:
        import cbor2

        from idp.authn.passkeys.models import Passkey

        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})
        with services.db.begin() as session:
            session.add(Passkey(account_id=account_id, credential_id=b64url(self.credential_id),
                                public_key=cose, sign_count=0, transports=["internal"],
                                aaguid="00000000-0000-0000-0000-000000000000", method="swk",
                                name="测试"))

    def answer(self, options: dict, origin: str, *, verified: bool = True,
               user: str | None = None) -> str:
        import hashlib
        import json
        import struct

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        self.counter += 1
        client_data = json.dumps({"type": "webauthn.get", "challenge": options["challenge"],
                                  "origin": origin}).encode()
        flags = 0x05 if verified else 0x01  # UP, and UV when the person was verified
        auth_data = hashlib.sha256(options["rpId"].encode()).digest() + bytes([flags]) \
            + struct.pack(">I", self.counter)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        response = {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature)}
        if user:
            response["userHandle"] = b64url(user.encode())
        credential_id = b64url(self.credential_id)
        return json.dumps({"id": credential_id, "rawId": credential_id, "type": "public-key",
                           "clientExtensionResults": {}, "response": response})


def b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
