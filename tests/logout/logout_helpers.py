"""Helpers of the logout browser tests (a module of its own: every feature has a conftest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

# How long the hanging front-channel page keeps its iframe waiting (far beyond the IdP's bound).
HANG_SECONDS = 30


@dataclass
class RpSite:
    """A relying party's pages: /fc (front-channel logout), /fc-hang (never answers in time),
    /bye (post-logout landing); any other path answers 200 too (a SAML SP's /acs and /slo).
    ``hits`` lists the paths requested, in order; ``posts`` the bodies of POSTs."""

    base: str
    hits: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)


def end_session_url(base: str, client, id_token: str, site: RpSite, state: str) -> str:
    """An RP-initiated logout request with a hint, the registered URI and a state."""
    return base + "/session/end?" + urlencode({
        "id_token_hint": id_token, "post_logout_redirect_uri": site.base + "/bye",
        "state": state, "client_id": client.client_id})
