"""Staff directories over LDAP v3 / Active Directory (python-ldap): the only package that
imports ``ldap``. ``source.LdapSource`` is the ``CredentialSource``; ``connection`` holds
failover, timeouts, TLS and the pool; ``search`` the paged search."""
