"""Shared fixtures: a real Tansu broker and a real PostgreSQL database for integration tests."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from autochem.stack.broker import TansuBroker, free_port

# PostgreSQL runs on this machine (trust auth). Tests make their own database and drop it after.
PG_ADMIN_URL = os.environ.get("AUTOCHEM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    b = TansuBroker(port=free_port(), log_path=log).start()
    yield b
    b.stop()


@pytest.fixture(scope="session")
def pg_url():
    """URL of a fresh PostgreSQL database for this test session."""
    name = f"autochem_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()
