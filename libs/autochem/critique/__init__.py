"""Critique of draft designs: deterministic engineering rules, an LLM review of the prose, judge scores."""

from autochem.critique.critique import (
    CritiqueReport,
    DesignScorer,
    critique_design,
    design_prose,
    judge_scores,
    llm_review,
    parse_llm_issues,
)
from autochem.critique.rules import RULES, DesignView, Rule, run_rules

__all__ = [
    "RULES",
    "CritiqueReport",
    "DesignScorer",
    "DesignView",
    "Rule",
    "critique_design",
    "design_prose",
    "judge_scores",
    "llm_review",
    "parse_llm_issues",
    "run_rules",
]
