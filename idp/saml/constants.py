"""Names from the SAML 2.0 and XML-DSig/XML-Enc specifications, in one place."""

from __future__ import annotations

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NSMAP = {"samlp": SAMLP, "saml": SAML, "md": MD, "ds": DS, "xenc": XENC}

# Bindings (SAML Bindings §3).
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SOAP = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"

# NameID formats (SAML Core §8.3).
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
NAMEID_FORMATS = (PERSISTENT, TRANSIENT)

ATTRNAME_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

# Status codes (SAML Core §3.2.2.2).
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester"
RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder"
VERSION_MISMATCH = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch"
NO_PASSIVE = "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
NO_AUTHN_CONTEXT = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext"
AUTHN_FAILED = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"
REQUEST_DENIED = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied"
INVALID_NAMEID_POLICY = "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy"
UNSUPPORTED_BINDING = "urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding"
PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"

# Signature algorithms: RSA-SHA256 or better only, never SHA-1 or HMAC (CONFORMANCE).
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
ECDSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"
SIGNATURE_ALGORITHMS = (RSA_SHA256, RSA_SHA384, RSA_SHA512, ECDSA_SHA256, ECDSA_SHA384,
                        ECDSA_SHA512)
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
DIGEST_ALGORITHMS = (SHA256, "http://www.w3.org/2001/04/xmldsig-more#sha384",
                     "http://www.w3.org/2001/04/xmlenc#sha512")
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

# XML Encryption 1.1: AES-GCM content, RSA-OAEP key transport.
AES128_GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1"

# Assurance levels as AuthnContextClassRef (DESIGN: L1 registered, L2 real-name, L3 = L2 plus
# a second factor in this session). Ours, because SAML's standard classes describe the login
# method, not identity proofing. The method really used is stated beside it as an
# AuthnContextDeclRef naming the standard class (SAML AuthnContext §3.4).
LEVEL_PREFIX = "urn:yiwang:ac:classes:level"
LEVEL_CLASSES = {level: f"{LEVEL_PREFIX}{level}" for level in (1, 2, 3)}
# Standard classes (SAML AuthnContext §3.4) an SP may request, mapped to the level they imply.
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # noqa: S105 - a class URI
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"  # noqa: S105 - a class URI
UNSPECIFIED_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified"
MOBILE_TWO_FACTOR = "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered"
TIME_SYNC_TOKEN = "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken"  # noqa: S105
# A passkey (WebAuthn) is phishing resistant: the class login.gov names for it (NIST SP
# 800-63B AAL2 with a phishing-resistant authenticator), ahead of "mfa" a passwordless one has.
# Asked for, it needs a passkey in the session (not a level: it says how, not who).
PHISHING_RESISTANT = "http://idmanagement.gov/ns/assurance/aal/2?phishing_resistant=true"
STANDARD_CLASS_LEVELS = {
    UNSPECIFIED_CLASS: 1, PASSWORD: 1, PASSWORD_PROTECTED: 1,
    MOBILE_TWO_FACTOR: 3, TIME_SYNC_TOKEN: 3, PHISHING_RESISTANT: 1,
}
# RFC 8176 amr values -> the standard class describing that method (first match wins).
METHOD_CLASSES = {"hwk": PHISHING_RESISTANT, "swk": PHISHING_RESISTANT, "otp": TIME_SYNC_TOKEN,
                  "sms": MOBILE_TWO_FACTOR, "mfa": MOBILE_TWO_FACTOR}
