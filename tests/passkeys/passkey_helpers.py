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
