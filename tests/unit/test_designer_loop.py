"""The closed design loop against fakes: stages in order, critique → revise rounds, validation, the failure
paths (retrieval down, model down, validator down), bad names, and the memory's round trip.

The structurer here returns the hand-built reference design's structure, so these tests check the loop's
logic and not the structurer (tests/unit/test_designer_structure.py does that).
"""

from __future__ import annotations

import asyncio

import pytest

from autochem.designer.loop import DesignConstraints
from autochem.designer.memory import DesignMemory
from autochem.domain.design import ValidationStatus
from autochem.domain.validation import validate_design
from autochem.errors import InvalidArgument, NotFound
from autochem.storage import make_engine
from tests.support.designer_fakes import BlockingOnceCritic, FakeLM, FakeRetriever, FakeValidator, make_loop


def test_full_loop_retrieves_generates_structures_critiques_validates_and_cites():
    updates = []
    loop = make_loop()
    outcome = asyncio.run(loop.design("nitric acid", DesignConstraints(), updates.append))
    design = outcome.design
    assert outcome.retrieval_used and outcome.validated and outcome.confidence == "normal"
    assert len(loop.retriever.queries) == 3
    assert len(loop.llm.requests) == 3  # context, PFD, P&ID
    # The retrieved passage reached the prompt, fenced as data.
    assert "platinum-rhodium gauze" in loop.llm.requests[0].messages[-1].content
    assert design.process_context.summary.startswith("Ammonia is oxidised")
    assert design.pfd.description and design.pid.description
    assert validate_design(design) == []
    assert design.critique is not None and design.validation.status is ValidationStatus.PASSED
    assert [r.stage for r in outcome.rounds] == ["critique", "validation"]
    cited = {c.path for c in design.provenance.citations}
    assert {"process_context", "pfd.description", "pid.description"} <= cited
    assert set(outcome.stage_seconds) >= {
        "retrieve",
        "generate",
        "structure",
        "critique",
        "validate",
        "total",
    }
    stages = [u.stage for u in updates]
    assert stages[0] == "retrieve" and stages[-1] == "done"
    assert (
        stages.index("generate")
        < stages.index("structure")
        < stages.index("critique")
        < stages.index("validate")
    )
    fractions = [u.fraction for u in updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_blocking_critique_is_revised_with_its_issues_as_feedback():
    lm = FakeLM()
    critic = BlockingOnceCritic()
    outcome = asyncio.run(make_loop(llm=lm, critic=critic).design("nitric acid"))
    critique_rounds = [r for r in outcome.rounds if r.stage == "critique"]
    assert [r.counts["error"] for r in critique_rounds] == [1, 0]
    assert critique_rounds[0].fixed == ["pid: rewritten for 1 issue(s)"]
    revision = lm.requests[3].messages[-1].content
    assert "TIC-101 has no final control element" in revision and "add a control valve" in revision
    assert outcome.design.pid.description.startswith("Revised:")
    assert outcome.design.critique.summary == "no blocking issue"


def test_failed_validation_gets_one_revision_round_then_reports():
    validator = FakeValidator(statuses=(ValidationStatus.FAILED, ValidationStatus.PASSED))
    outcome = asyncio.run(make_loop(validator=validator).design("nitric acid"))
    validation_rounds = [r for r in outcome.rounds if r.stage == "validation"]
    assert [r.status for r in validation_rounds] == ["failed", "passed"]
    assert validation_rounds[0].fixed and validator.calls == 2
    assert outcome.design.validation.status is ValidationStatus.PASSED


def test_kg_builder_down_designs_without_retrieval_and_says_so():
    outcome = asyncio.run(make_loop(retriever=FakeRetriever(fail=True)).design("nitric acid"))
    assert not outcome.retrieval_used
    assert any("knowledge graph unavailable" in n and "kg-builder refused" in n for n in outcome.notes)
    assert outcome.design.pfd.flowsheet.units  # the design still came


def test_skip_retrieval_is_honoured_and_noted():
    retriever = FakeRetriever()
    outcome = asyncio.run(
        make_loop(retriever=retriever).design("nitric acid", DesignConstraints(skip_retrieval=True))
    )
    assert retriever.queries == [] and not outcome.retrieval_used
    assert "retrieval skipped on request" in outcome.notes


def test_validator_down_returns_the_design_marked_unvalidated():
    outcome = asyncio.run(make_loop(validator=FakeValidator(fail=True)).design("nitric acid"))
    assert not outcome.validated
    assert outcome.design.validation.status is ValidationStatus.SKIPPED
    assert any("validator unavailable" in n and "unvalidated" in n for n in outcome.notes)


def test_model_down_falls_back_to_extractive_prose_from_retrieval():
    outcome = asyncio.run(make_loop(llm=FakeLM(fail=True)).design("nitric acid"))
    assert any("language model unavailable" in n for n in outcome.notes)
    assert (
        "platinum-rhodium" in outcome.design.process_context.summary
        and "[1]" in outcome.design.process_context.summary
    )


def test_unknown_chemical_is_a_labelled_low_confidence_design():
    outcome = asyncio.run(make_loop().design("unobtainium oxide"))
    assert outcome.confidence == "low"
    assert any("not in the chemical name database" in n for n in outcome.notes)


@pytest.mark.parametrize(
    ("chemical", "constraints", "field"),
    [
        ("", DesignConstraints(), "chemical"),
        ("   ", DesignConstraints(), "chemical"),
        ("x" * 200, DesignConstraints(), "chemical"),
        ("1234", DesignConstraints(), "chemical"),
        ("nitric\x00acid", DesignConstraints(), "chemical"),
        ("nitric acid", DesignConstraints(production_t_per_day=-5), "constraints.production_rate"),
        ("nitric acid", DesignConstraints(max_critique_rounds=9), "constraints.max_critique_rounds"),
        ("nitric acid", DesignConstraints(max_validation_rounds=-1), "constraints.max_validation_rounds"),
        ("nitric acid", DesignConstraints(focus="f" * 400), "constraints.focus"),
        ("nitric acid", DesignConstraints(max_new_tokens=5), "constraints.max_new_tokens"),
    ],
)
def test_bad_requests_name_the_field(chemical, constraints, field):
    with pytest.raises(InvalidArgument) as info:
        asyncio.run(make_loop().design(chemical, constraints))
    assert info.value.field == field


def test_memory_stores_versions_and_loads_what_was_returned(tmp_path):
    memory = DesignMemory(make_engine(f"sqlite:///{tmp_path}/memory.sqlite"))
    loop = make_loop()
    first = asyncio.run(loop.design("nitric acid", design_id="nitric-acid-test"))
    second = asyncio.run(loop.design("nitric acid", design_id="nitric-acid-test"))
    memory.record_request(first.request_id, "nitric acid", {"focus": ""})
    assert memory.save(first) == 1 and memory.save(second) == 2
    memory.finish_request(first.request_id, design_id=first.design.id)
    latest = memory.load("nitric-acid-test")
    assert latest.version == 2 and latest.design == second.design
    again = memory.load("nitric-acid-test", 1)
    assert again.design == first.design and again.rounds == first.rounds and again.notes == first.notes
    assert memory.recent("Nitric Acid") == [("nitric-acid-test", 2), ("nitric-acid-test", 1)]
    with pytest.raises(NotFound):
        memory.load("nitric-acid-test", 3)
    with pytest.raises(NotFound):
        memory.load("no-such-design")


def test_prose_loops_of_a_small_model_are_cut_to_their_first_occurrence():
    from autochem.designer.loop import _clean_prose

    looping = (
        "Nitric acid is made by the Ostwald process. The main reactions with the catalyst are: "
        "- Ammonia burns over platinum gauze. - The main reactions with the catalyst are: "
        "- The main reactions with the catalyst are:\n"
        "The absorber T-101 runs at 10 bar. The absorber T-101 runs at 10 bar. Yes. Yes.\n"
        "- Cooler E-102 cools the gas"
    )
    cleaned = _clean_prose(looping)
    assert cleaned.count("The main reactions with the catalyst are") == 1
    assert cleaned.count("The absorber T-101 runs at 10 bar") == 1
    assert cleaned.count("Yes.") == 2  # short repeats are not loops
    for kept in ("Ostwald process", "platinum gauze", "Cooler E-102 cools the gas"):
        assert kept in cleaned
    assert _clean_prose("<|im_end|>One sentence only.") == "One sentence only."
