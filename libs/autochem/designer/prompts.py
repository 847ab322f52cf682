"""The designer's prompts: process context, PFD and P&ID prose, and their revision with feedback.

The retrieved context is fenced as reference data (the corpus is ours, but harvested web documents land in
the same graph, so it is never treated as instructions). Prompts are short: the default model is a
135M-parameter SLM with a 2k-token budget for prompt and answer together.
"""

from __future__ import annotations

from autochem.agents.quarantine import UNTRUSTED_PREAMBLE, quarantine_block
from autochem.inference.api import ChatMessage

ROLE = (
    "You are a senior chemical process engineer. You write precise, factual design notes for an "
    "industrial plant: named equipment, reactions with conditions and units, control and safety. "
    "Prefer the facts in the reference notes and cite them as [n]."
)

PART_TASKS = {
    "context": (
        "Describe how {chemical} is produced industrially: the chosen route and why, the main reactions "
        "with catalyst, temperature and pressure, purification, by-products, recycles, heat integration "
        "and the main hazards. About 150 words."
    ),
    "pfd": (
        "Write the process flow description of a {chemical} plant: the major equipment in process order "
        "(feed preparation, reactor, heat recovery, separation, product handling), what each unit does and "
        "its operating temperature and pressure, and the main streams between them. About 150 words."
    ),
    "pid": (
        "Write the instrumentation and control description of a {chemical} plant: for each major unit the "
        "controlled and manipulated variables and the strategy (feedback, cascade, ratio, feedforward), "
        "the safety instrumentation (relief valves, interlocks, emergency shutdown) and piping materials. "
        "About 150 words."
    ),
}


def part_messages(part: str, chemical: str, context: str, focus: str = "") -> tuple[ChatMessage, ...]:
    task = PART_TASKS[part].format(chemical=chemical)
    if focus:
        task += f" Give particular attention to: {focus}."
    user = [task]
    if context:
        user.insert(0, "Reference notes:\n" + quarantine_block(context, "reference notes"))
    system = ROLE + ("\n" + UNTRUSTED_PREAMBLE if context else "")
    return (ChatMessage("system", system), ChatMessage("user", "\n\n".join(user)))


def revision_messages(
    part: str, chemical: str, draft: str, feedback: list[str], context: str
) -> tuple[ChatMessage, ...]:
    """Rewrite one prose part so that it answers the reviewers' points."""
    points = "\n".join(f"- {f}" for f in feedback[:8])
    user = [
        f"Here is a draft {PART_LABELS[part]} for a {chemical} plant:\n{quarantine_block(draft, 'draft')}",
        f"Reviewers found these problems:\n{points}",
        "Rewrite the draft so that every problem is fixed. Keep what was right. About 150 words.",
    ]
    if context:
        user.insert(0, "Reference notes:\n" + quarantine_block(context, "reference notes"))
    return (ChatMessage("system", ROLE + "\n" + UNTRUSTED_PREAMBLE), ChatMessage("user", "\n\n".join(user)))


PART_LABELS = {
    "context": "process description",
    "pfd": "process flow description",
    "pid": "instrumentation and control description",
}
