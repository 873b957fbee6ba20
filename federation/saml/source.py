"""A SAML 2.0 upstream as a ``RedirectSource``, on pysaml2's service-provider side
(``Saml2Client``): ``start`` sends a signed AuthnRequest (HTTP-Redirect) with a single-use
RelayState; ``finish`` takes the Response the upstream POSTs to our callback and lets pysaml2
check it against the upstream's metadata — the assertion's signature (required: an unsigned
one is refused), its issuer, our audience, its time window (NotBefore / NotOnOrAfter, 60 s
skew), Destination and InResponseTo (only the request this browser started). An assertion ID
is accepted once (kept in the Store until the assertion expires).
"""

from __future__ import annotations

import calendar
import json
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.time_util import str_to_time

from federation.contract import (
    Redirect,
    SourceKind,
    SourceRefused,
    UpstreamIdentity,
    granted_level,
)
from federation.oidc.source import UPSTREAM_ID_TOKEN, UPSTREAM_SID
from federation.saml import logout
from federation.saml.redirect_binding import signed_url
from federation.saml.sp_metadata import urls
from federation.saml.upstream_metadata import read

REFUSED = "身份提供方的凭证无效。"
# UpstreamIdentity attributes that are no person's data, under the keys the OIDC source uses
# (``federation.upstream_sessions`` keeps them for logout): the upstream session, and the
# "hint" our LogoutRequest needs (NameID, its Format, SessionIndex, as JSON).
LOGOUT_HINT = UPSTREAM_ID_TOKEN
UPSTREAM_SESSION_INDEX = UPSTREAM_SID
# Our level attribute when the upstream is another Yiwang; any other IdP: its configured level.
LEVEL_ATTRIBUTES = ("urn:yiwang:attribute:assurance_level", "assurance_level")
SKEW_SECONDS = 60
MAX_REPLAY_SECONDS = 24 * 3600


class SamlSource:
    kind = SourceKind.SAML

    def __init__(self, name: str, config: Mapping[str, Any]) -> None:
        self.name = name
        self.metadata: str = config["metadata"]
        self.idp = read(self.metadata.encode())
        self.mapping: dict[str, str] = dict(config.get("mapping") or {})
        self.level: int = int(config.get("level", 1))
        # From the services (federation.upstreams.build): our SAML key, the issuer, the Store.
        self.signing: Callable[[], tuple[Any, str]] = config["signing"]
        self.issuer: str = config["issuer"]
        self.store = config["store"]

    def client(self) -> Saml2Client:
        # A fresh client per message: Saml2Client caches every identity it sees in memory.
        where = urls(self.issuer, self.name)
        conf = {
            "entityid": where["entity_id"],
            "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
            "metadata": {"inline": [self.metadata]},
            "allow_unknown_attributes": True,
            "only_use_keys_in_metadata": True,  # never a key the message itself carries
            "accepted_time_diff": SKEW_SECONDS,
            "service": {"sp": {
                "endpoints": {
                    "assertion_consumer_service": [(where["acs"], BINDING_HTTP_POST)],
                    "single_logout_service": [(where["slo"], BINDING_HTTP_REDIRECT),
                                              (where["slo"], BINDING_HTTP_POST)],
                },
                "want_assertions_signed": True,  # an unsigned assertion is refused
                "want_response_signed": False,
                "allow_unsolicited": False,  # InResponseTo must name our request
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
            }},
        }
        return Saml2Client(config=SPConfig().load(conf))

    def start(self, *, callback_url: str) -> Redirect:
        request_id, request = self.client().create_authn_request(
            self.idp.sso_redirect, binding=BINDING_HTTP_POST, sign=False,
            nameid_format=NAMEID_FORMAT_PERSISTENT)
        state = secrets.token_urlsafe(24)  # RelayState: at most 80 bytes (Bindings §3.4.3)
        key, _cert = self.signing()
        url = signed_url(self.idp.sso_redirect, "SAMLRequest", str(request).encode(), state,
                         key)
        return Redirect(url=url, keep={"state": state, "request_id": request_id})

    def finish(self, *, callback_url: str, params: Mapping[str, str],
               kept: Mapping[str, str]) -> UpstreamIdentity:
        saml_response = params.get("SAMLResponse")
        if not saml_response:
            raise SourceRefused("身份提供方未完成登录。", "no SAMLResponse")
        try:
            response = self.client().parse_authn_request_response(
                saml_response, BINDING_HTTP_POST, outstanding={kept["request_id"]: "/"})
        except Exception as exc:  # noqa: BLE001 - pysaml2 raises many kinds; each is a refusal
            raise SourceRefused(REFUSED, f"saml: {type(exc).__name__} {str(exc)[:160]}") from exc
        if response is None or response.assertion is None:
            raise SourceRefused(REFUSED, "saml: no assertion")
        if response.issuer() != self.idp.entity_id:
            raise SourceRefused(REFUSED, "issuer differs from the metadata's entity")
        assertion = response.assertion
        if not assertion.signature:  # pysaml2 checks it; never rely on a setting alone
            raise SourceRefused(REFUSED, "signature: assertion unsigned")
        self._once(assertion)
        return self.identity(response)

    def _once(self, assertion) -> None:
        expires = time.time() + 600
        conditions = assertion.conditions
        if conditions is not None and conditions.not_on_or_after:
            expires = calendar.timegm(str_to_time(conditions.not_on_or_after))
        ttl = int(min(max(expires - time.time() + SKEW_SECONDS, 60), MAX_REPLAY_SECONDS))
        if not self.store.add(f"fed-saml-assertion:{self.name}:{assertion.id[:128]}", "1", ttl):
            raise SourceRefused(REFUSED, "replay: assertion ID seen before")

    def identity(self, response) -> UpstreamIdentity:
        assertion = response.assertion
        values: dict[str, str] = {}
        for statement in assertion.attribute_statement:
            for attribute in statement.attribute:
                texts = [v.text for v in attribute.attribute_value if v.text]
                if texts:
                    for key in (attribute.name, attribute.friendly_name):
                        if key:
                            values.setdefault(key, texts[0])
        attributes = {ours: values[theirs] for ours, theirs in self.mapping.items()
                      if values.get(theirs)}
        name_id = response.name_id
        if name_id is None or not name_id.text:
            raise SourceRefused(REFUSED, "saml: no NameID")
        hint = {"name_id": name_id.text, "format": name_id.format or ""}
        for statement in assertion.authn_statement:
            if statement.session_index:
                attributes[UPSTREAM_SESSION_INDEX] = statement.session_index
                hint["session_index"] = statement.session_index
        attributes[LOGOUT_HINT] = json.dumps(hint)
        asserted = next((values[k] for k in LEVEL_ATTRIBUTES if k in values), "")
        return UpstreamIdentity(
            source=self.name, kind=self.kind, subject=f"{self.idp.entity_id}#{name_id.text}"[:512],
            level=granted_level(int(asserted) if asserted.isdigit() else self.level, self.level),
            amr=(), attributes=attributes)

    def end_session_url(self, hint: str, post_logout_redirect_uri: str | None = None
                        ) -> str | None:
        """Our signed LogoutRequest for the upstream session, if its metadata has an SLO
        service (the logout page loads it with the other sites' front channels)."""
        try:
            return logout.request_url(self, json.loads(hint))
        except (ValueError, TypeError):
            return None


def build(name: str, config: Mapping[str, Any]) -> SamlSource:
    return SamlSource(name, config)
