# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF001, RUF002, RUF003
"""A judge without a model: lexical checks mapped onto the five attributes.

What it looks at, and why each check exists:

- grounding: claims in the response — numbers (with ranges), chemical formulas, and domain words naming
  substances, catalysts, unit operations and control terms — are looked up in the context (and the
  question). A swapped catalyst or temperature is a claim the context does not back. → correctness.
- topicality: how many of the question's content words the response takes up, and how much of the
  response's vocabulary occurs in the question/context. An answer to another question scores low. →
  helpfulness (and correctness through grounding).
- truncation: the response stops mid-sentence (dangling word, comma, open bracket, no final punctuation)
  — what max_new_tokens does to a generation. → helpfulness, coherence.
- refusal / degenerate text: "I cannot help", repeated n-grams, little alphabetic text. → all attributes.
- length and technical density → verbosity and complexity, which are descriptive (HelpSteer2 meaning).

Every number it computes is in ``details`` so a caller can see why a score is what it is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from autochem.judging.base import DEFAULT_LIMITS, InputLimits, JudgeBase, JudgeItem
from autochem.judging.lexicon import (
    DANGLING_WORDS,
    DOMAIN_TERMS,
    ELEMENT_SYMBOLS,
    GENERIC_DOMAIN,
    OPERATIONS,
    QUESTION_WORDS,
    REFUSAL_PATTERNS,
    STOPWORDS,
    SUBSTANCES,
)
from autochem.judging.scores import JudgeScores, RewardPolicy

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*")
_FORMULA_TOKEN = re.compile(r"\b[A-Z][A-Za-z0-9]*\b")
_ELEMENT_RUN = re.compile(r"([A-Z][a-z]?)(\d*)")
# A number not glued to letters (so "V2O5" and "2-ethylanthraquinone" contribute no numbers).
_NUMBER = r"(?<![A-Za-z0-9.])(\d+(?:[.,]\d+)?)(?![A-Za-z0-9]|-[A-Za-z])"
_RANGE = re.compile(_NUMBER + r"\s*(?:-|–|—|−|to|and)\s*" + _NUMBER)
_SINGLE = re.compile(_NUMBER)
_UNIT = re.compile(
    r"\s*(°\s?C|º\s?C|°F|K\b|bar[ag]?\b|MPa|kPa|Pa\b|atm|psi[ag]?|%|kJ/mol|kJ|MJ|kW|MW|ms\b|s\b|h\b|min\b|"
    r"kg/h|t/d|tonnes?|mol|m3/h|m\b|mm\b)"
)
_REFUSAL = re.compile("|".join(REFUSAL_PATTERNS), re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)$")
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+\S")



_SUFFIXES = (
    ("ization", ""), ("isation", ""), ("ation", ""), ("ption", "b"), ("ition", ""), ("ion", ""), ("ising", ""),
    ("izing", ""), ("ised", ""), ("ized", ""), ("izes", ""), ("ises", ""), ("ize", ""), ("ise", ""),
    ("ated", ""), ("ates", ""), ("ied", "y"), ("ies", "y"), ("ing", ""), ("ers", ""), ("ed", ""),
    ("er", ""), ("es", ""), ("e", ""), ("s", ""),
)


def stem(word: str) -> str:
    """Crude suffix folding so that condensed/condenses/condensation/condenser, or oxidized/oxidation, meet.
    Not linguistics: just enough that a paraphrase of the context is not mistaken for a new claim."""
    w = word.lower()
    if w.endswith(("as", "is", "us", "ss")):
        return w  # gas, syngas, basis, status, process: the s is not a plural
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= (2 if suffix == "ied" else 3):
            return w[: -len(suffix)] + repl
    return w


_GENERIC_STEMS = frozenset(stem(t) for t in GENERIC_DOMAIN)
_OPERATION_STEMS = frozenset(stem(t) for t in OPERATIONS - GENERIC_DOMAIN)


def words_of(text: str) -> list[str]:
    return [m.group(0).lower() for m in _WORD.finditer(text)]


def content_words(text: str) -> set[str]:
    """Stemmed content words; hyphenated compounds count whole and by part (steam-to-carbon → steam, carbon)."""
    out = set()
    for w in words_of(text):
        for part in (w, *w.split("-")) if "-" in w else (w,):
            if part not in STOPWORDS and len(part) > 1:
                out.add(stem(part))
    return out


def _is_formula(token: str) -> bool:
    parts = _ELEMENT_RUN.findall(token)
    if "".join(sym + count for sym, count in parts) != token or len(parts) < 2:
        return False
    if not all(sym in ELEMENT_SYMBOLS for sym, _ in parts):
        return False
    # Acronyms such as "SIL" or "CSTR" parse as symbols too; a formula has a count or a two-letter symbol.
    return any(count for _, count in parts) or any(len(sym) == 2 for sym, _ in parts)


def formulas_of(text: str) -> set[str]:
    return {t for t in _FORMULA_TOKEN.findall(text) if _is_formula(t)}


def _to_float(s: str) -> float:
    if s.count(",") == 1 and len(s.split(",")[1]) == 3:
        return float(s.replace(",", ""))  # 1,000 (thousands separator)
    return float(s.replace(",", "."))  # 0,5 (decimal comma)


def _unit(text: str, end: int) -> str:
    """The unit right after a number ("°C", "bar", "%"), normalized; "" when none is recognizable."""
    m = _UNIT.match(text, end)
    return m.group(1).lower().replace(" ", "").replace("º", "°") if m else ""


Number = tuple[float, str]  # value, unit ("" = unknown)
Range = tuple[float, float, str]


def numbers_of(text: str) -> tuple[set[Number], list[Range]]:
    """Single numbers and ranges ("400–500 °C", "150 to 300 bar") in a text, each with its unit."""
    ranges = []
    for m in _RANGE.finditer(text):
        a, b = _to_float(m.group(1)), _to_float(m.group(2))
        ranges.append((min(a, b), max(a, b), _unit(text, m.end())))
    singles = set()
    for m in _SINGLE.finditer(text):
        unit = _unit(text, m.end())
        if not unit:  # "400–500 °C": the first number's unit is the range's
            unit = next((r[2] for r in ranges if _to_float(m.group(1)) in r[:2]), "")
        singles.add((_to_float(m.group(1)), unit))
    return singles, ranges


def _same_unit(a: str, b: str) -> bool:
    return not a or not b or a == b


def _number_supported(x: Number, singles: set[Number], ranges: list[Range]) -> bool:
    value, unit = x
    if any(_same_unit(unit, u) and math.isclose(value, s, rel_tol=0.02, abs_tol=1e-9) for s, u in singles):
        return True
    return any(_same_unit(unit, u) and a <= value <= b for a, b, u in ranges)


def _parts(word: str) -> tuple[str, ...]:
    return (word, *word.split("-")) if "-" in word else (word,)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")) else word


def claim_terms(text: str) -> set[str]:
    """The checkable domain words of a text: substances (singular surface form) and operations/control terms
    (stemmed, at least 5 letters of stem so that 'rise' is not mistaken for 'riser')."""
    found = set()
    for w in words_of(text):
        for p in _parts(w):
            if p in GENERIC_DOMAIN:
                continue
            if p in SUBSTANCES or _singular(p) in SUBSTANCES:
                found.add(_singular(p))
            elif p in OPERATIONS or (len(stem(p)) >= 5 and stem(p) in _OPERATION_STEMS):
                found.add(stem(p))
    return found


def _same_stem(a: str, b: str) -> bool:
    """Inflections the suffix folding misses (evaporates/evaporator, absorb/absorption) share a long prefix."""
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 5 or (common >= 4 and common == min(len(a), len(b)))


def reference_vocabulary(text: str) -> tuple[set[str], set[str]]:
    """(singular surface words, stems) of every word of the reference: what can back a claim."""
    words, stems = set(), set()
    for w in words_of(text):
        for p in _parts(w):
            words.add(_singular(p))
            stems.add(stem(p))
    return words, stems


def _claim_supported(term: str, ref_words: set[str], ref_stems: set[str]) -> bool:
    if term in ref_words:
        return True
    if term in SUBSTANCES:
        return term in ref_stems  # hydrogen is backed by "hydrogenated", but methane not by "methanol"
    return term in ref_stems or any(_same_stem(term, s) for s in ref_stems)


def _clamp01(x: float) -> float:
    return min(1.0, max(0.0, x))


@dataclass(frozen=True)
class TextFindings:
    """What the lexical checks found in one response (all fractions 0..1)."""

    words: int
    coverage: float  # share of the question's content words the response takes up
    support_overlap: float  # share of the response's content words found in the question or context
    topicality: float
    grounding: float | None  # share of checkable claims the context backs; None without context/claims
    claims_total: int
    claims_supported: int
    unsupported: tuple[str, ...]
    truncation: float  # 0 complete, 0.5 probably cut, 1 certainly cut
    refusal: bool
    repetition: float  # share of repeated word 3-grams
    alpha_ratio: float
    domain_density: float
    numbers: int
    mean_sentence_words: float


@dataclass(frozen=True)
class DeterministicConfig:
    """Knobs of the mapping from findings to scores (tuned on nothing but common sense; see eval)."""

    off_topic_below: float = 0.45  # topicality under this flags off_topic
    truncated_penalty_coherence: float = 2.0  # at truncation 1.0
    truncated_helpfulness_factor: float = 0.5  # helpfulness multiplier at truncation 1.0
    grounding_exponent: float = 1.5  # > 1: one unsupported claim among few costs more than linear
    ungrounded_correctness: float = 2.0  # correctness when nothing can be checked ("don't know")


class DeterministicJudge(JudgeBase):
    """Lexical grounding, topicality, truncation, refusal and length checks → five attributes."""

    name = "deterministic"

    def __init__(
        self,
        policy: RewardPolicy | None = None,
        limits: InputLimits = DEFAULT_LIMITS,
        config: DeterministicConfig | None = None,
    ) -> None:
        super().__init__(policy, limits, max_concurrency=1)
        self.config = config or DeterministicConfig()

    async def _score_item(self, item: JudgeItem) -> JudgeScores:
        return self.score_sync(item)

    def score_sync(self, item: JudgeItem) -> JudgeScores:
        """The judgement itself (pure CPU, microseconds to milliseconds); inputs already validated."""
        f = analyze(item.prompt, item.response, item.context)
        cfg = self.config
        flags: list[str] = []
        if f.refusal:
            flags.append("refusal")
        if f.truncation >= 0.5:
            flags.append("truncated")
        off_topic = f.topicality < cfg.off_topic_below
        if off_topic:
            flags.append("off_topic")
        if f.repetition > 0.3:
            flags.append("repetitive")
        degenerate = f.alpha_ratio < 0.5 or f.words == 0
        if degenerate:
            flags.append("degenerate")
        if item.context is None:
            flags.append("no_context")
        flags += [f"unsupported:{term}" for term in f.unsupported[:5]]

        # correctness: grounding when there is something to check, else "unknown" (neither right nor wrong)
        if f.grounding is None:
            correctness = cfg.ungrounded_correctness * (0.5 + 0.5 * f.topicality)
        else:
            correctness = 4.0 * f.grounding**cfg.grounding_exponent
        completeness = 1.0 - (1.0 - cfg.truncated_helpfulness_factor) * f.truncation
        grounding_factor = 0.6 + 0.4 * (f.grounding if f.grounding is not None else 0.5)
        helpfulness = 4.0 * (0.25 + 0.75 * f.topicality) * completeness * grounding_factor
        coherence = 4.0 - cfg.truncated_penalty_coherence * f.truncation
        coherence -= 4.0 * max(0.0, f.repetition - 0.1)
        if off_topic:
            coherence -= 0.5  # clear text, but not a reply to this conversation
        if f.words < 4:
            helpfulness -= 1.0
            coherence -= 1.0
        if f.refusal:
            helpfulness = min(helpfulness, 0.5)
            correctness = min(correctness, 1.0)
        if degenerate:
            helpfulness = correctness = coherence = 0.0
        verbosity = 0.0 if f.words == 0 else 0.75 * math.log2(max(f.words, 1) / 4)
        complexity = 0.0 if f.words < 3 else (
            0.5
            + 1.5 * _clamp01(f.domain_density / 0.3)
            + 1.0 * _clamp01(f.numbers / 3)
            + 1.0 * _clamp01((f.mean_sentence_words - 8) / 17)
        )
        details = {
            "words": float(f.words),
            "coverage": f.coverage,
            "support_overlap": f.support_overlap,
            "topicality": f.topicality,
            "claims_total": float(f.claims_total),
            "claims_supported": float(f.claims_supported),
            "truncation": f.truncation,
            "repetition": f.repetition,
            "domain_density": f.domain_density,
        }
        if f.grounding is not None:
            details["grounding"] = f.grounding
        return self.policy.scores(
            self.name,
            {
                "helpfulness": helpfulness,
                "correctness": correctness,
                "coherence": coherence,
                "complexity": complexity,
                "verbosity": verbosity,
            },
            details,
            tuple(flags),
        )


def truncation_of(response: str) -> float:
    """0 when the response ends like a finished text, 0.5 when it probably does not, 1 when it certainly does."""
    text = response.rstrip()
    if not text:
        return 1.0
    if text.count("(") > text.count(")") or text.count("[") > text.count("]"):
        return 1.0
    if text.endswith((",", ";", ":", "-", "–", "(", "/", "&", "+", "=")):
        return 1.0
    last_line = text.splitlines()[-1]
    if _SENTENCE_END.search(text):
        return 0.0
    last_word = (words_of(last_line) or [""])[-1]
    if last_word in DANGLING_WORDS:
        return 1.0
    if _LIST_LINE.match(last_line) or text.endswith(("`", "|", "*")):
        return 0.0  # lists and tables legitimately end without a full stop
    return 0.5


def repetition_of(words: list[str]) -> float:
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if len(grams) < 6:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def analyze(prompt: str, response: str, context: str | None) -> TextFindings:
    reference = f"{prompt}\n{context or ''}"
    resp_words = words_of(response)
    # Generic process words (catalyst, temperature, bar) occur in any answer about any process, so they
    # say nothing about whether this answer is about this question.
    generic = _GENERIC_STEMS
    question_terms = {w for w in content_words(prompt) if w not in QUESTION_WORDS} - generic
    response_terms = content_words(response) - generic
    reference_terms = content_words(reference)
    coverage = len(question_terms & response_terms) / len(question_terms) if question_terms else 1.0
    support_overlap = len(response_terms & reference_terms) / len(response_terms) if response_terms else 0.0
    # Support overlap separates best: a correct answer reuses the vocabulary of its question and context
    # (≥ 0.55 on the eval set) while an answer to another question does not (≤ 0.3); coverage alone misleads
    # because good answers need not repeat the question's words.
    topicality = _clamp01(0.3 * _clamp01(coverage / 0.5) + 0.7 * _clamp01(support_overlap / 0.7))

    # Claims are checked against the context AND the question: repeating what the asker said is no invention.
    ref_words, ref_stems = reference_vocabulary(reference)
    ref_formulas = formulas_of(reference)
    ref_singles, ref_ranges = numbers_of(reference)
    resp_terms = claim_terms(response)
    resp_formulas = formulas_of(response)
    resp_singles, resp_ranges = numbers_of(response)
    resp_numbers = resp_singles | {(x, r[2]) for r in resp_ranges for x in r[:2]}
    unsupported = sorted(t for t in resp_terms if not _claim_supported(t, ref_words, ref_stems))
    unsupported += sorted(resp_formulas - ref_formulas)
    unsupported += [
        f"{x[0]:g}" for x in sorted(resp_numbers) if not _number_supported(x, ref_singles, ref_ranges)
    ]
    claims_total = len(resp_terms) + len(resp_formulas) + len(resp_numbers)
    claims_supported = claims_total - len(unsupported)
    grounding = claims_supported / claims_total if (context is not None and claims_total) else None

    sentences = [s for s in re.split(r"(?<=[.!?])\s+", response.strip()) if s]
    alpha = sum(ch.isalpha() for ch in response)
    visible = sum(not ch.isspace() for ch in response)
    domain = sum(1 for w in resp_words if w in DOMAIN_TERMS or any(p in DOMAIN_TERMS for p in w.split("-")))
    return TextFindings(
        words=len(resp_words),
        coverage=coverage,
        support_overlap=support_overlap,
        topicality=topicality,
        grounding=grounding,
        claims_total=claims_total,
        claims_supported=claims_supported,
        unsupported=tuple(unsupported),
        truncation=truncation_of(response),
        refusal=bool(_REFUSAL.search(response)) and len(resp_words) < 60,
        repetition=repetition_of(resp_words),
        alpha_ratio=alpha / visible if visible else 0.0,
        domain_density=domain / len(resp_words) if resp_words else 0.0,
        numbers=len(resp_numbers) + len(resp_formulas),
        mean_sentence_words=len(resp_words) / max(1, len(sentences)),
    )
