"""The critique of a draft design: deterministic engineering rules, then an LLM review of the prose, then
judge scores.

    report = await critique_design(design, llm=backend, judge=scorer)
    report.blocking      # an ERROR/BLOCKING issue the designer must fix
    report.issues        # most severe first, each with a path, a code, a message and a suggestion

Only the rules can block: the language model's review is advice (INFO/WARNING, codes ``llm_*``), and its
text is treated as data — parsed, length-capped and stripped, never executed or trusted for paths it
invents. A language model or judge that fails (unreachable, overloaded, bad output) does not fail the
critique: the deterministic result comes back with an INFO issue saying which step was skipped and why.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from autochem.critique.rules import RULES, Rule, run_rules
from autochem.domain.design import Critique, Design
from autochem.domain.issues import Issue, Severity
from autochem.domain.paths import path_exists
from autochem.inference.api import ChatMessage, GenerationBackend, GenerationRequest, SamplingParams

log = logging.getLogger(__name__)

SEVERITY_RANK = {Severity.BLOCKING: 0, Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}
BLOCKING_SEVERITIES = frozenset({Severity.ERROR, Severity.BLOCKING})

# A judge: (prompt, response) -> attribute scores on the 0-4 scale (helpfulness, correctness, ...), sync or
# async. The service adapts the reward-judge client to this shape.
DesignScorer = Callable[[str, str], Mapping[str, float] | Awaitable[Mapping[str, float]]]

LLM_MAX_ISSUES = 8
LLM_MAX_MESSAGE_CHARS = 400
LLM_MAX_NEW_TOKENS = 512
PROSE_MAX_CHARS = 6000  # keeps the prompt well inside a small model's context

CRITIQUE_SYSTEM_PROMPT = (
    "You review chemical process designs as an experienced process safety and design engineer. "
    "You point out concrete technical problems only: wrong chemistry or conditions, missing equipment, "
    "unsafe operation, missing control or protection, contradictions between the sections. "
    "You do not praise and you do not repeat the design."
)
CRITIQUE_INSTRUCTIONS = (
    "Review the process design below. Answer with one JSON object per line and nothing else, at most "
    f"{LLM_MAX_ISSUES} lines, each like:\n"
    '{"severity": "warning", "topic": "safety", "path": "process_context.safety", '
    '"issue": "what is wrong", "fix": "what to change"}\n'
    'severity is "warning" for a likely error and "info" for a remark; topic is one word '
    "(chemistry, conditions, equipment, control, safety, materials, consistency); path names the section "
    "(process_context, pfd.description, pid.description) when you can. If nothing is wrong, answer NONE."
)


@dataclass
class CritiqueReport:
    """What the critique found. ``issues`` is sorted most severe first (stable within a severity)."""

    issues: list[Issue] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # steps that did not run, with the reason

    @property
    def blocking(self) -> bool:
        return any(issue.severity in BLOCKING_SEVERITIES for issue in self.issues)

    @property
    def counts(self) -> dict[Severity, int]:
        counted = Counter(issue.severity for issue in self.issues)
        return {severity: counted.get(severity, 0) for severity in Severity}

    def summary(self) -> str:
        counts = self.counts
        text = ", ".join(
            f"{counts[s]} {s.value}"
            for s in (Severity.BLOCKING, Severity.ERROR, Severity.WARNING, Severity.INFO)
        )
        verdict = "must be revised" if self.blocking else "no blocking issue"
        return f"{verdict}: {text}"

    def to_critique(self) -> Critique:
        """The domain ``Critique`` to store on the design."""
        return Critique(summary=self.summary(), scores=dict(self.scores), issues=list(self.issues))


def _sorted(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda issue: SEVERITY_RANK[issue.severity])


async def critique_design(
    design: Design,
    *,
    llm: GenerationBackend | None = None,
    judge: DesignScorer | None = None,
    rules: tuple[Rule, ...] = RULES,
) -> CritiqueReport:
    """Rules first; then, when given, the LLM review of the prose and the judge's attribute scores."""
    report = CritiqueReport(issues=run_rules(design, rules))
    if llm is not None:
        try:
            report.issues += await llm_review(design, llm)
        except Exception as exc:  # any failure of the model: the deterministic critique still stands
            log.warning("LLM critique skipped: %s", exc)
            report.skipped.append(f"llm: {exc}")
            report.issues.append(_skipped_issue("llm_critique_skipped", "LLM review", exc))
    if judge is not None:
        try:
            report.scores = await judge_scores(design, judge)
        except Exception as exc:
            log.warning("judge scores skipped: %s", exc)
            report.skipped.append(f"judge: {exc}")
            report.issues.append(_skipped_issue("judge_scores_skipped", "judge scoring", exc))
    report.issues = _sorted(report.issues)
    return report


def _skipped_issue(code: str, step: str, exc: BaseException) -> Issue:
    reason = _clean(f"{type(exc).__name__}: {exc}", 300)
    return Issue(
        severity=Severity.INFO,
        path="",
        code=code,
        message=f"{step} skipped; the rule-based critique is complete ({reason})",
        suggestion="run the critique again when the service is reachable",
    )


# ------------------------------------------------------------------------------------------- LLM review


def design_prose(design: Design) -> str:
    """The prose parts of a design as plain text (what the LLM reviews and the judge scores)."""
    parts = [f"Chemical: {design.chemical}"]
    context = design.process_context
    if context is not None:
        parts.append(f"Process context: {context.summary}\nRoute: {context.route}")
        for name in (
            "reactions",
            "conditions",
            "purification",
            "by_products",
            "recycles",
            "heat_integration",
            "safety",
        ):
            items = getattr(context, name)
            if items:
                parts.append(f"{name.replace('_', ' ').capitalize()}: " + "; ".join(items))
    if design.pfd is not None:
        flowsheet = design.pfd.flowsheet
        units = ", ".join(f"{u.tag} {u.name or u.type.value}" for u in flowsheet.units)
        parts.append(f"PFD: {design.pfd.description}\nEquipment: {units}")
    if design.pid is not None:
        loops = ", ".join(
            f"{loop.id} ({loop.strategy.value})" for loop in design.pid.instrumentation.control_loops
        )
        parts.append(f"P&ID: {design.pid.description}\nControl loops: {loops}")
    return "\n".join(parts)[:PROSE_MAX_CHARS]


def critique_request(design: Design) -> GenerationRequest:
    return GenerationRequest(
        messages=(
            ChatMessage("system", CRITIQUE_SYSTEM_PROMPT),
            ChatMessage("user", f"{CRITIQUE_INSTRUCTIONS}\n\n--- design ---\n{design_prose(design)}"),
        ),
        params=SamplingParams(max_new_tokens=LLM_MAX_NEW_TOKENS, temperature=0.0),
    )


async def llm_review(design: Design, llm: GenerationBackend) -> list[Issue]:
    result = await llm.generate(critique_request(design))
    return parse_llm_issues(result.text, design)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TOPIC = re.compile(r"[^a-z0-9]+")
_BULLET = re.compile(
    r"^\s*(?:[-*•]|\d+[.)])\s*(?:\*\*)?(?P<severity>warning|info|error|critical)?(?:\*\*)?\s*[:\-]?\s*(?P<text>.+)$",
    re.I,
)


def _clean(text: object, limit: int = LLM_MAX_MESSAGE_CHARS) -> str:
    """Model text as inert data: printable, single-spaced, capped."""
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL_CHARS.sub(" ", text)
    text = " ".join(text.split())
    return text[:limit]


def _llm_code(topic: object) -> str:
    slug = _TOPIC.sub("_", str(topic).lower()).strip("_")[:32]
    return f"llm_{slug}" if slug else "llm_review"


def _llm_severity(value: object) -> Severity:
    # Never above WARNING, whatever the model says: it advises, the rules decide what blocks.
    return (
        Severity.WARNING
        if str(value).strip().lower() in ("warning", "error", "critical", "high", "blocking")
        else Severity.INFO
    )


def parse_llm_issues(text: str, design: Design) -> list[Issue]:
    """Issues from the model's answer: JSON objects (one per line, or a JSON array), else bullet lines.

    Paths the model gives are kept only if they point at something in the design; messages are cleaned
    and capped; at most ``LLM_MAX_ISSUES`` come back.
    """
    candidates: list[dict] = []
    stripped = text.strip()
    if not stripped or stripped.upper().startswith("NONE"):
        return []
    try:
        loaded = json.loads(stripped)
        if isinstance(loaded, list):
            candidates = [item for item in loaded if isinstance(item, dict)]
        elif isinstance(loaded, dict):
            candidates = [loaded]
    except ValueError:
        for line in stripped.splitlines():
            line = line.strip().rstrip(",")
            if line.startswith("{") and line.endswith("}"):
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    candidates.append(item)
        if not candidates:
            for line in stripped.splitlines():
                match = _BULLET.match(line)
                if match and len(match["text"].strip()) > 10:
                    candidates.append({"severity": match["severity"] or "info", "issue": match["text"]})
    issues: list[Issue] = []
    for item in candidates[:LLM_MAX_ISSUES]:
        message = _clean(item.get("issue") or item.get("message") or "")
        if not message:
            continue
        path = _clean(item.get("path") or "", 200)
        issues.append(
            Issue(
                severity=_llm_severity(item.get("severity")),
                path=path if path and path_exists(design, path) else "",
                code=_llm_code(item.get("topic") or item.get("code") or "review"),
                message=message,
                suggestion=_clean(item.get("fix") or item.get("suggestion") or ""),
            )
        )
    return issues


# ---------------------------------------------------------------------------------------- judge scores

JUDGE_PROMPT = (
    "Write an industrially plausible process design (process context, PFD and P&ID) for: {chemical}"
)


async def judge_scores(design: Design, judge: DesignScorer) -> dict[str, float]:
    """The judge's attribute scores of the design prose, clipped to 0-4 with identifier-safe keys."""
    result = judge(JUDGE_PROMPT.format(chemical=design.chemical), design_prose(design))
    if inspect.isawaitable(result):
        result = await result
    scores: dict[str, float] = {}
    for name, value in dict(result).items():
        key = _TOPIC.sub("_", str(name).lower()).strip("_")[:64]
        number = float(value)
        if key and number == number:  # drops NaN
            scores[key] = min(4.0, max(0.0, number))
    return scores
