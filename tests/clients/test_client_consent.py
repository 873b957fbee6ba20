"""Consent is asked once per client and scope set, remembered, and revocable."""

from sqlalchemy import select

from clients.consent import consents_for, grant_consent, has_consent, revoke_consent
from clients.registry import delete_client
from idp.audit import SYSTEM_ACTOR, AuditEvent


def test_a_granted_scope_set_is_remembered(backend, services, web_client):
    client, _ = web_client
    cid = client.client_id
    with services.db.begin() as session:
        assert not has_consent(session, "acc-1", cid, "openid profile")
        grant_consent(session, "acc-1", cid, "openid profile", SYSTEM_ACTOR)
    with services.db.session() as session:
        assert has_consent(session, "acc-1", cid, "openid profile")
        assert has_consent(session, "acc-1", cid, ["profile"])
        assert not has_consent(session, "acc-1", cid, "openid profile email")
        assert not has_consent(session, "acc-2", cid, "openid")


def test_a_new_scope_adds_to_the_earlier_consent(services, web_client):
    cid = web_client[0].client_id
    with services.db.begin() as session:
        grant_consent(session, "acc-1", cid, "openid profile")
    with services.db.begin() as session:
        grant_consent(session, "acc-1", cid, "openid email")
    with services.db.session() as session:
        assert has_consent(session, "acc-1", cid, "openid profile email")
        assert [c.client_id for c in consents_for(session, "acc-1")] == [cid]


def test_a_revoked_consent_is_asked_again_and_both_are_audited(services, web_client):
    cid = web_client[0].client_id
    with services.db.begin() as session:
        grant_consent(session, "acc-1", cid, "openid")
    with services.db.begin() as session:
        assert revoke_consent(session, "acc-1", cid)
        assert not revoke_consent(session, "acc-1", cid)
    with services.db.session() as session:
        assert not has_consent(session, "acc-1", cid, "openid")
        actions = session.scalars(select(AuditEvent.detail).where(AuditEvent.type == "consent"))
        assert [d["action"] for d in actions] == ["grant", "revoke"]


def test_deleting_a_client_deletes_its_consents(backend, services, web_client):
    cid = web_client[0].client_id
    with services.db.begin() as session:
        grant_consent(session, "acc-1", cid, "openid")
    delete_client(services, cid, SYSTEM_ACTOR)
    with services.db.session() as session:
        assert consents_for(session, "acc-1") == []
