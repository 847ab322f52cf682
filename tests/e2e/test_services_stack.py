"""The real services under `autochem up`: each becomes SERVING on embedded defaults and answers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import urllib.request

import pytest

from autochem.domain import design_from_proto, validate_design
from autochem.domain.examples import reference_designs
from autochem.jobs.design_job import design_via_service
from autochem.jobs.kg_jobs import build_via_service, corpus_documents
from autochem.jobs.service_checks import critique_via_service, describe_via_service, research_via_service
from autochem.stack.broker import free_port
from autochem.stack.registry import by_name, existing_services
from autochem.v1 import designer_pb2

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _cli(env, *args, timeout=400):
    return subprocess.run(
        [sys.executable, "-m", "autochem.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.timeout(1500)
def test_real_services_come_up_answer_and_go_down(tmp_path):
    names = {s.name for s in existing_services()}
    assert {
        "slm-inference",
        "reward-judge",
        "critique",
        "web-agents",
        "kg-builder",
        "designer",
        "dwsim-validator",
    } <= names
    env = os.environ.copy()
    env.update(AUTOCHEM_STATE_DIR=str(tmp_path / "state"), AUTOCHEM_BROKER_PORT=str(free_port()))
    up = _cli(env, "up")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        status = _cli(env, "status")
        assert status.returncode == 0, status.stdout
        for name in names:
            assert name in status.stdout
        assert status.stdout.count("SERVING") >= len(names)

        async def ask():
            reply = await describe_via_service("sulfuric acid", max_new_tokens=16, timeout_s=120)
            critique = await critique_via_service(
                reference_designs()["sulfuric acid"], use_models=False, timeout_s=60
            )
            # Research with sub-answers written by the served model (no judge round: minutes on a CPU).
            research = await research_via_service("nitric acid", top_k=1, refinement_rounds=0, timeout_s=400)
            # The closed loop through every service: the nitric-acid document into kg-builder, then a
            # design (short prose budget) retrieved, generated, structured, critiqued and simulated.
            doc = next(d for d in corpus_documents() if d.doc_id.endswith("/nitric-acid"))
            await build_via_service(f"127.0.0.1:{by_name('kg-builder').grpc_port}", [doc])
            updates = []
            design = await design_via_service(
                f"127.0.0.1:{by_name('designer').grpc_port}",
                designer_pb2.DesignRequest(
                    chemical="nitric acid",
                    constraints=designer_pb2.DesignConstraints(max_new_tokens=48, max_critique_rounds=1),
                ),
                updates.append,
                timeout_s=600,
            )
            return reply, critique, research, design, updates

        reply, critique, research, design, updates = asyncio.run(ask())
        assert design.retrieval_used and design.validated, list(design.notes)
        assert design.model_version, list(design.notes)  # the served model wrote the prose
        parsed = design_from_proto(design.design)
        assert validate_design(parsed) == [] and parsed.pfd.flowsheet.reactions
        assert parsed.validation.status.value in ("passed", "passed_with_warnings"), parsed.validation.issues[
            :3
        ]
        assert parsed.critique is not None and parsed.provenance.citations
        stages = [u.stage for u in updates]
        assert stages[0] == "retrieve" and stages[-1] == "done" and "validate" in stages
        assert len(research.subtasks) >= 3 and research.documents
        assert any(s.synthesized_by == "llm" for s in research.subtasks), list(research.degraded)
        assert "chematlas://chematlas/nitric-acid" in {d.source_url for d in research.documents}
        assert reply.completion_tokens > 0 and reply.text.strip()
        assert not critique.blocking
        # Each service exposes Prometheus metrics on its declared port; the calls above were counted.
        for name in ("slm-inference", "critique", "web-agents", "designer", "dwsim-validator", "kg-builder"):
            spec = by_name(name)
            body = (
                urllib.request.urlopen(f"http://127.0.0.1:{spec.metrics_port}/metrics", timeout=10)
                .read()
                .decode()
            )
            service = spec.grpc_service.rsplit(".", 1)[1]
            handled_ok = [
                line
                for line in body.splitlines()
                if line.startswith("autochem_rpc_handled_total{") and 'code="OK"' in line and service in line
            ]
            assert handled_ok and float(handled_ok[0].rsplit(" ", 1)[1]) >= 1, body[:2000]
    finally:
        down = _cli(env, "down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert "killed" not in down.stdout, down.stdout  # every service drained on SIGTERM
