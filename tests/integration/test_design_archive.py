"""The main job's path: reference design → artifact store → designs.completed → exactly-once archive."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from autochem.config import KafkaSettings, ServiceSettings
from autochem.errors import InvalidArgument
from autochem.jobs.design_archive import archive_handler, design_archive, run_reference_round_trip
from autochem.storage import ArtifactStore, make_engine
from autochem.v1 import common_pb2
from autochem.v1.events_pb2 import DesignCompleted

pytestmark = pytest.mark.integration


def test_round_trip_archives_once_even_when_run_twice(broker, tmp_path):
    settings = ServiceSettings(
        service_name="main-job-test",
        state_dir=tmp_path,
        kafka=KafkaSettings(bootstrap_servers=broker.bootstrap_servers),
    )
    first = run_reference_round_trip(settings, progress=lambda _m: None)
    assert first.validation_issues == 0
    assert first.proto_round_trip_lossless
    assert first.archived["units"] == 19 and first.archived["control_loops"] == 8
    assert first.archived["sha256"] == first.artifact.sha256

    second = run_reference_round_trip(settings, progress=lambda _m: None)
    assert "duplicates=1" in second.consumer_stats and "processed=0" in second.consumer_stats
    engine = make_engine(settings.resolved_database_url())
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(design_archive)).scalar_one() == 1
    engine.dispose()


class _Ctx:
    def __init__(self, payload):
        self.payload = payload
        self.connection = None


def test_handler_rejects_missing_reference_and_tampered_or_mismatched_artifacts(tmp_path):
    store = ArtifactStore(tmp_path.as_uri())
    handle = archive_handler(store)
    with pytest.raises(InvalidArgument, match=r"payload\.design"):
        handle(_Ctx(DesignCompleted(design_id="x", chemical="nitric acid")))  # type: ignore[arg-type]
    ref = store.put_bytes(b'{"not": "a design"}', "application/json")
    with pytest.raises(Exception, match="validation error"):
        handle(_Ctx(DesignCompleted(design_id="x", design=ref.to_proto())))  # type: ignore[arg-type]
    bad_digest = common_pb2.ArtifactRef(uri=ref.uri, sha256="0" * 64, size_bytes=ref.size_bytes)
    with pytest.raises(InvalidArgument, match="does not match"):
        handle(_Ctx(DesignCompleted(design_id="x", design=bad_digest)))  # type: ignore[arg-type]


def test_a_revised_design_is_archived_as_a_new_version(broker, tmp_path, monkeypatch):
    """Same design id, different content: a second row, not an integrity error and a dead letter."""
    import autochem.jobs.design_archive as job
    from autochem.domain.examples import nitric_acid_design

    settings = ServiceSettings(
        service_name="main-job-versions",
        state_dir=tmp_path,
        kafka=KafkaSettings(bootstrap_servers=broker.bootstrap_servers),
    )
    first = run_reference_round_trip(settings, progress=lambda _m: None)

    def revised():
        design = nitric_acid_design()
        design.pfd.description += " Revised: tail-gas expander duty re-rated."
        return design

    monkeypatch.setattr(job, "nitric_acid_design", revised)
    second = run_reference_round_trip(settings, progress=lambda _m: None)
    assert second.outcome == "processed"
    assert second.artifact.sha256 != first.artifact.sha256
    engine = make_engine(settings.resolved_database_url())
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(design_archive)).scalar_one() == 2
    engine.dispose()
