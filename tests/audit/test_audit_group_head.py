"""The group commit extends the lane its last batch left without reading it first; writers on
other nodes (each its own GroupCommit and connection pool) and business writes moving that lane
meanwhile are never forked: the chain verifies whole, every event counted once."""

from __future__ import annotations

from sqlalchemy import func, select

from idp.audit import EventType, record
from idp.audit.chain import AuditChainHead
from idp.audit.group import GroupCommit
from idp.audit.verify import verify
from idp.db import Database


def test_two_nodes_and_business_writes_interleaved_keep_one_whole_chain(backend, db, database_url):
    other_node = Database(database_url)  # a second node: its own pool on the same database
    try:
        here, there = GroupCommit(db), GroupCommit(other_node)
        for i in range(12):
            here.record(EventType.TOKEN_ISSUE, client_id="api", jti=f"a-{i}")
            if i % 3 == 0:  # the other node moves the lane this one last wrote
                there.record(EventType.TOKEN_ISSUE, client_id="api", jti=f"b-{i}")
            if i % 4 == 0:  # so does a login on this node, in its own transaction
                with db.begin() as session:
                    record(session, EventType.LOGIN, account_id="acct-1")
        report = verify(db)
        assert report.ok, report.as_dict()
        assert report.events == 12 + 4 + 3
        with db.session() as session:  # the heads count every event exactly once
            assert session.scalar(select(func.sum(AuditChainHead.count))) == 19
    finally:
        other_node.dispose()


def test_a_lane_moved_by_another_write_between_batches_is_not_extended_blindly(backend, db):
    group = GroupCommit(db)
    group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-1")
    with db.begin() as session:  # another writer's event moves the lane on
        record(session, EventType.LOGIN, account_id="acct-1")
    group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-2")
    report = verify(db)
    assert report.ok and report.events == 3
