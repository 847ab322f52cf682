"""The ledger on real PostgreSQL: two consumers racing on one event apply it exactly once."""

from __future__ import annotations

import threading
import time

import pytest

from autochem.bus.ledger import create_ledger, record_event
from autochem.storage.db import make_engine

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def engine(pg_url):
    engine = make_engine(pg_url)
    create_ledger(engine)
    yield engine
    engine.dispose()


def _record(conn, key):
    return record_event(conn, consumer_group="race", idempotency_key=key, event_id="e", topic="t",
                        partition=0, offset=0)


@pytest.mark.parametrize("first_commits", [True, False])
def test_second_inserter_waits_for_the_first_transaction(engine, first_commits):
    key = f"race-{first_commits}"
    second_result: list[bool] = []
    with engine.connect() as first:
        transaction = first.begin()
        assert _record(first, key) is True

        def second():
            with engine.begin() as conn:
                second_result.append(_record(conn, key))

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        assert second_result == []  # blocked on the first transaction's uncommitted row
        transaction.commit() if first_commits else transaction.rollback()
        thread.join(10)
    # If the first committed, the second sees a duplicate; if it rolled back, the second owns the event.
    assert second_result == [not first_commits]
