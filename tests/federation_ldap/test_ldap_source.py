"""The LDAP source on its own, against real slapd: find the entry with the service account,
bind as it, escape the typed name, fail over across URLs, page through large searches."""

from __future__ import annotations

import time

import pytest

from federation.contract import CredentialSource, SourceKind, SourceRefused, SourceUnavailable
from federation.ldap.config import LdapConfig, TlsMode
from federation.ldap.search import paged_search
from federation.ldap.source import LdapSource
from federation.registry import build_source
from tests.conftest import free_port
from tests.federation_ldap.slapd_servers import (
    ALL_STAFF,
    IDLE_TIMEOUT,
    SERVICE_PASSWORD,
    STAFF_PASSWORD,
)


def config_of(slapd, **changes) -> LdapConfig:
    values = dict(urls=tuple(slapd.urls), bind_dn=slapd.service_dn,
                  bind_password=SERVICE_PASSWORD, user_base=f"ou=people,{slapd.suffix}",
                  user_filter="(objectClass=inetOrgPerson)",
                  group_base=f"ou=groups,{slapd.suffix}",
                  group_roles={"leaders": "department_admin"}, timeout=2.0)
    values.update(changes)
    return LdapConfig(**values)


@pytest.fixture
def source(gongan):
    built = LdapSource("gongan", config_of(gongan))
    yield built
    built.close()


def test_the_registry_builds_an_ldap_credential_source_by_kind(gongan):
    config = {"urls": gongan.urls, "bind_dn": gongan.service_dn, "user_base": "o=x",
              "user_filter": "(objectClass=*)", "bind_password": SERVICE_PASSWORD}
    built = build_source("ldap", "gongan", config)
    assert isinstance(built, CredentialSource) and built.kind is SourceKind.LDAP


def test_the_right_password_gives_the_mapped_identity_with_groups_and_roles(source):
    identity = source.check_password("zhangsan", STAFF_PASSWORD)
    assert identity.source == "gongan" and identity.amr == ("pwd",) and identity.level == 2
    assert len(identity.subject) == 36  # slapd's entryUUID, not the DN
    attrs = identity.attributes
    assert (attrs["username"], attrs["name"], attrs["phone"], attrs["email"],
            attrs["employee_number"]) == ("zhangsan", "张三", "13800000001",
                                          "zhangsan@gongan.gov.cn", "E001")
    assert attrs["entry_dn"] == "uid=zhangsan,ou=people,dc=gongan,dc=gov,dc=cn"
    assert attrs["groups"].split("\n") == ["clerks", "leaders"]
    assert attrs["roles"] == "department_admin"


@pytest.mark.parametrize("username, password", [
    ("zhangsan", "wrong password"),
    ("zhangsan", ""),  # an unauthenticated bind (RFC 4513 §5.1.2) must not pass
    ("nobody", STAFF_PASSWORD),
    ("printer", STAFF_PASSWORD),  # has a uid, but the user filter says it is no person
    ("*", STAFF_PASSWORD),
    ("*)(uid=*", STAFF_PASSWORD),  # filter injection: escaped, it matches nobody
    ("zhangsan)(|(uid=*", STAFF_PASSWORD),
    ("\\2a", STAFF_PASSWORD),
])
def test_wrong_passwords_unknown_names_and_filter_injections_are_refused(
    source, username, password
):
    with pytest.raises(SourceRefused) as refused:
        source.check_password(username, password)
    assert refused.value.description == "用户名或密码错误。"


def test_the_first_dead_url_fails_over_to_the_next(gongan):
    dead = f"ldap://127.0.0.1:{free_port()}/"
    built = LdapSource("gongan", config_of(gongan, urls=(dead, gongan.urls[1])))
    try:
        assert built.check_password("lisi", STAFF_PASSWORD).attributes["name"] == "李四"
    finally:
        built.close()


def test_a_directory_with_no_live_url_is_unavailable_not_a_refusal(gongan):
    dead = tuple(f"ldap://127.0.0.1:{free_port()}/" for _ in range(2))
    built = LdapSource("gongan", config_of(gongan, urls=dead, timeout=1.0))
    with pytest.raises(SourceUnavailable) as down:
        built.check_password("lisi", STAFF_PASSWORD)
    assert "目录暂时不可用" in down.value.description


def test_a_refused_service_account_makes_the_directory_unavailable(gongan):
    built = LdapSource("gongan", config_of(gongan, bind_password="not it"))
    with pytest.raises(SourceUnavailable):
        built.check_password("lisi", STAFF_PASSWORD)


def test_service_searches_reuse_pooled_connections(source):
    for _ in range(3):
        source.check_password("lisi", STAFF_PASSWORD)
    assert len(source.pool._idle) == 1  # one service connection served every search


def test_paged_searches_read_every_page(source):
    found = source.pool.run(lambda conn: paged_search(
        conn, source.config.user_base, "(objectClass=inetOrgPerson)", ["uid"], page_size=2))
    assert len(found) == ALL_STAFF


def test_a_pooled_connection_the_directory_dropped_is_replaced(source):
    source.check_password("lisi", STAFF_PASSWORD)
    time.sleep(IDLE_TIMEOUT + 1)  # slapd closes the idle pooled connection
    assert source.check_password("lisi", STAFF_PASSWORD).attributes["name"] == "李四"
    assert len(source.pool._idle) == 1


@pytest.mark.parametrize("tls", ["starttls", "ldaps"])
def test_tls_to_the_directory_trusts_only_the_given_ca(gongan, tls):
    urls = (gongan.ldaps_url,) if tls == "ldaps" else tuple(gongan.urls)
    trusted = LdapSource("gongan", config_of(gongan, urls=urls, tls=TlsMode(tls),
                                             ca_file=str(gongan.ca_file)))
    untrusted = LdapSource("gongan", config_of(gongan, urls=urls, tls=TlsMode(tls),
                                               ca_file=str(gongan.other_ca_file)))
    try:
        assert trusted.check_password("lisi", STAFF_PASSWORD).attributes["name"] == "李四"
        with pytest.raises(SourceUnavailable):  # a certificate from elsewhere: no bind at all
            untrusted.check_password("lisi", STAFF_PASSWORD)
    finally:
        trusted.close()
        untrusted.close()
