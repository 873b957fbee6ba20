"""A pysaml2 service provider configured for Yiwang (the SATOSA / djangosaml2 stack).

pysaml2 reads the module's CONFIG (``SPConfig().load(CONFIG)``, or ``load_file("sp_conf")``).
Its metadata, what the IdP registers, is made by pysaml2's own tool:

    make_metadata sp_conf.py > sp.xml
    idp clients add-saml --metadata-file sp.xml --name 不动产登记 --department 自然资源厅 \
        --attribute name --attribute preferred_username --min-level 2 --json

Environment: SP_BASE_URL (this site, e.g. https://bdc.example.gov.cn), YIWANG_ISSUER,
SP_KEY_FILE / SP_CERT_FILE (the SP's own signing key and self-signed certificate, PEM),
optional YIWANG_METADATA_CERT (the IdP's signing certificate, PEM: then the IdP's metadata
signature is checked when it is fetched).
"""

import os

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

BASE = os.environ.get("SP_BASE_URL", "https://bdc.example.gov.cn").rstrip("/")
ISSUER = os.environ.get("YIWANG_ISSUER", "https://id.example.gov.cn").rstrip("/")

CONFIG = {
    "entityid": f"{BASE}/saml/metadata",
    "xmlsec_binary": "/usr/bin/xmlsec1",
    "key_file": os.environ.get("SP_KEY_FILE", "sp.key"),
    "cert_file": os.environ.get("SP_CERT_FILE", "sp.crt"),
    # The IdP's metadata: entity ID <issuer>/saml/metadata, its SSO/SLO endpoints and
    # signing certificates (the next one too, published before a rotation).
    "metadata": {"remote": [{"url": f"{ISSUER}/saml/metadata",
                             "cert": os.environ.get("YIWANG_METADATA_CERT")}]},
    # Yiwang names attributes by URI (urn:oid:..., urn:yiwang:attribute:...) with a
    # FriendlyName; pysaml2 keeps the names it has no map for.
    "allow_unknown_attributes": True,
    "service": {"sp": {
        "name": "不动产登记",
        "endpoints": {
            "assertion_consumer_service": [(f"{BASE}/saml/acs", BINDING_HTTP_POST)],
            "single_logout_service": [(f"{BASE}/saml/slo", BINDING_HTTP_REDIRECT),
                                      (f"{BASE}/saml/slo", BINDING_HTTP_POST)],
        },
        # Yiwang checks signed requests with the certificate of this metadata, and always
        # signs assertions (SHA-256; SHA-1 is refused on requests).
        "authn_requests_signed": True,
        "logout_requests_signed": True,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        # persistent: a pairwise pseudonym, stable for this SP; transient: new each login.
        "name_id_format": NAMEID_FORMAT_PERSISTENT,
        "allow_unsolicited": False,
    }},
}
