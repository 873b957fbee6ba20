"""The closed sets of the account model, stored as their string values."""

from enum import StrEnum


class AccountClass(StrEnum):
    """Which password policy and which doors apply to an account."""

    PERSON = "person"  # a citizen (NIST SP 800-63B policy)
    ADMIN = "admin"  # an administrator (GB/T 22239-2019 level 3 policy)
    STAFF = "staff"  # department staff from an LDAP directory: no local password (federation)


# Administrators are appointed staff whose identity their department verified: level 2, so a
# second factor in the session reaches level 3, which the admin console requires.
ADMIN_LEVEL = 2


class LegalPersonStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class AuthorisationRole(StrEnum):
    REPRESENTATIVE = "representative"  # 法定代表人
    AGENT = "agent"  # 经办人
