"""Test data shared by the domain tests."""

from __future__ import annotations

from autochem.domain import Citation, Critique, Issue, Provenance, Severity
from autochem.domain.examples import nitric_acid_design


def annotated_nitric_acid_design():
    """The reference design plus a critique and provenance, so tests cover every part of a Design.

    The scores, issues and citations are test data, not the output of any service.
    """
    design = nitric_acid_design()
    critique = Critique(
        summary="Plausible dual-pressure plant with consistent component balance; abatement not modelled.",
        scores={
            "helpfulness": 3.5,
            "correctness": 3.4,
            "coherence": 3.6,
            "complexity": 3.0,
            "verbosity": 2.5,
        },
        issues=[
            Issue(
                severity=Severity.WARNING,
                path="pfd.flowsheet",
                code="missing_abatement",
                message="Tail-gas NOx (SCR) and N2O abatement units are not modelled.",
                suggestion="Add an SCR reactor before the expander and an N2O decomposition catalyst.",
            ),
            Issue(
                severity=Severity.INFO,
                path="pfd.flowsheet.units[E-104]",
                code="utility_not_modelled",
                message="Cooling water to the cooler-condenser is not a stream of the flowsheet.",
            ),
        ],
    )
    provenance = Provenance(
        citations=[
            Citation(
                path="pfd.flowsheet.reactions[RX-1]",
                kg_fact_ids=["fact:ostwald/ammonia-oxidation"],
                document_uris=["corpus://chematlas/nitric-acid.md"],
                chunk_ids=["chunk:nitric-acid/3"],
            ),
            Citation(
                path="pfd.flowsheet.units[R-101].temperature",
                kg_fact_ids=["fact:ostwald/gauze-temperature"],
                quote="the gauze runs at roughly 850-950 °C",
            ),
            Citation(
                path="pid.instrumentation.interlocks[I-101]",
                kg_fact_ids=["fact:ammonia/flammability-limits"],
                document_uris=["corpus://chematlas/ammonia.md"],
            ),
            Citation(path="pid.instrumentation.line_specs[D1].material", chunk_ids=["chunk:nitric-acid/7"]),
        ]
    )
    design.critique = critique
    design.provenance = provenance
    return design
