"""The audit vocabulary. Every event has: time, type, outcome, account (id and username when
known), client id, source IP and user agent, and a small ``detail`` dict.

``detail`` never holds a secret (password, code, token, key) nor a clear ID number or phone.
"""

from enum import StrEnum


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"


class EventType(StrEnum):
    # Authentication. detail: {"door": "person"|"legal"|"staff", "methods": [...], "reason": ...};
    # the staff door adds "source" (the directory's name) and may fail with "reason":
    # "source_unavailable" (down or timed out: not counted) or "source_disabled". A step with
    # a first factor the pending request's relying party does not accept fails with "reason":
    # "first_factor", before any credential is checked (idp/web/auth/login_methods.py).
    LOGIN = "login"
    LOGIN_MFA = "login.mfa"  # the second-factor step; detail: {"method": "totp"|"recovery"},
    # "purpose": "password_reset" when it is the forgot-password step
    # A passkey (idp/authn/passkeys/assertion.py) is LOGIN_MFA with "method": "passkey", or a
    # passwordless LOGIN with "methods": ["passkey"]; both add "amr" ("hwk"|"swk") and
    # "passkey_id"; a refusal's "reason": "no_challenge" (expired or replayed),
    # "unknown_credential", "other_account", "origin", "rp_id", "challenge", "user_presence",
    # "user_verification", "signature", "user_handle", "sign_count_regression" (with
    # "stored" and "received"), "disabled", "locked" or "delayed" (the account's or the
    # address's lockout, with "scope") or "invalid"; a passkey in the forgot-password step adds
    # "purpose": "password_reset"
    LOCKOUT = "lockout"  # account or IP temporarily locked; detail: {"scope", "until"}
    # Scan to log in (idp/authn/scan_login.py). detail: {"action": "shown"|"scanned"|
    # "confirmed"|"denied"|"expired"|"used"|"refused", "request" (its id), "reason" on refusal};
    # the login it ends is a LOGIN event with methods ["mca"].
    LOGIN_SCAN = "login.scan"
    # Device flow (RFC 8628, idp/oidc/device/). detail: {"action": "start" (the device asked;
    # "scope") | "approve" | "deny" | "refused" ("reason": "account_class") | "locked" (too many
    # wrong user codes from one browser or address), "request" (its id)}; never the
    # user code nor the device code. The tokens it ends in are TOKEN_ISSUE with its grant_type.
    DEVICE_AUTHORIZATION = "oauth.device"
    LOGOUT = "logout"  # SSO session ended; detail: {"sid", "initiator"}
    SESSION_ACT_AS = "session.act_as"  # acting for a legal person; detail: {"legal_person_id"}
    # Second factors. detail: {"method": "totp"|"passkey"}; a passkey adds "amr", "passkey_id"
    MFA_ENROL = "mfa.enrol"
    MFA_REMOVE = "mfa.remove"
    RECOVERY_CODES_ISSUED = "mfa.recovery_codes"
    # Accounts. detail: {"fields": [names of changed fields]} (never their values); a staff
    # account's create/update adds "source" (its directory: federation/staff_accounts.py; a sync
    # that disables an account whose entry is gone: fields ["disabled"], federation/sync.py)
    ACCOUNT_CREATE = "account.create"
    ACCOUNT_UPDATE = "account.update"
    ACCOUNT_UNLOCK = "account.unlock"
    # Upstream identity providers (federation/linking.py). detail: {"source", "how":
    # "id_number"|"confirmed"|"created"} on a link; {"source"} on an unlink; never the subject's
    # attributes. A login through an upstream is LOGIN with "methods" ["fed", ...], "source";
    # one the pending request's relying party does not allow fails with "reason":
    # "upstream_not_allowed" (it names other upstreams) or "first_factor" (it takes none).
    FEDERATION_LINK = "federation.link"
    FEDERATION_UNLINK = "federation.unlink"
    LEGAL_PERSON_CREATE = "legal_person.create"
    AUTHORISATION_GRANT = "authorisation.grant"
    AUTHORISATION_REVOKE = "authorisation.revoke"
    # Keeping the account (idp/privacy/). password.confirm: a password typed again on "my
    # account" (detail {"purpose"}, failures counted as login failures are); deletion_request
    # detail {"purge_after"}; deletion_cancel {"reason": "login"}; account.erase {"removed":
    # {what: count}} (the event keeps the account id, never the erased data); data_export
    # {"id_number": "masked"|"full"}.
    PASSWORD_CONFIRM = "password.confirm"
    ACCOUNT_DELETION_REQUEST = "account.deletion_request"
    ACCOUNT_DELETION_CANCEL = "account.deletion_cancel"
    ACCOUNT_ERASE = "account.erase"
    DATA_EXPORT = "account.data_export"
    # Real-name verification and online registration (idp/verification/). Never the ID number
    # nor the name. real_name.verify detail: {"register": "local"|"http", "fields" on success,
    # "reason" on failure: "name_mismatch"|"unknown"|"id_number_taken"|"id_number_differs"|
    # "too_many_tries"|"unavailable"|"already_verified"|"invalid_name"|"invalid_id_number"};
    # entity.verify detail: {"register", "credit_code",
    # "reason" on failure: "name_mismatch"|"unknown"|"not_representative"|"too_many_tries"|
    # "unavailable"}; authorisation.invitation detail: {"action": "create"|"accept"|"decline"|
    # "withdraw", "invitation_id", "legal_person_id"}.
    REAL_NAME_VERIFY = "real_name.verify"
    ENTITY_VERIFY = "entity.verify"
    AGENT_INVITATION = "authorisation.invitation"
    # SMS and one-time codes (idp/notify/, idp/authn/one_time_codes.py). Never the code nor the
    # full phone: "phone" is masked (138****5678). sms.send detail: {"kind", "phone", "sender",
    # "reason" and "attempts" on failure; a refused send: "reason": "too_soon"|"daily_limit"|
    # "ip_limit"}; code.verify detail: {"purpose", "phone", "reason": "wrong"|"void"}.
    SMS_SEND = "sms.send"
    CODE_VERIFY = "code.verify"
    # Tokens and relying parties (OIDC / SAML). detail: {"grant_type", "scope", "jti"...}
    TOKEN_ISSUE = "token.issue"
    TOKEN_REFRESH = "token.refresh"
    TOKEN_REVOKE = "token.revoke"
    CONSENT = "consent"
    SAML_ASSERTION = "saml.assertion"
    CLIENT_CHANGE = "client.change"  # registration, update, disable, secret rotation
    KEY_ROTATE = "key.rotate"
    # detail {"action", ...}; staff directories: "directory.add"|"directory.disable"|
    # "directory.enable" with "directory" (federation/directories.py; from the console also
    # "reason"), never the bind password; "directory.sync" with "directory", "mode", "added",
    # "changed", "disabled", "resumed" (federation/sync.py); "directory.sync_request" (the
    # console's "sync now"); "directory.unavailable" (outcome failure) / "directory.recovered",
    # once per outage (federation/directory_health.py)
    ADMIN_ACTION = "admin.action"
    # Admin roles (admin/roles.py). detail: {"role", "department", "reason" on refusal}; a role
    # from a staff directory's group adds "source" (the directory: federation/staff_roles.py)
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    # The audit log itself. export detail: {"filter", "format", "events"};
    # prune detail: {"cutoff", "partitions", "events"}
    AUDIT_EXPORT = "audit.export"
    AUDIT_PRUNE = "audit.prune"
    # detail: {"kind": "credential_stuffing"|"many_ips_one_account", "count", "window_seconds"}
    ALERT = "alert"
