# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF002, RUF003
"""Write tests/data/judge_pairs.jsonl from the fact records in judge_facts.py.

Three pairs per record, all sharing the record's question and context, with the correct answer as
"correct" and one corrupted answer:

- wrong_fact: the record's hand-written wrong answer (one fact changed; ``facet`` says which kind);
- truncated: the correct answer cut off mid-sentence, the way max_new_tokens cuts a generation
  (55–75% of its words, never right after a full stop);
- off_topic: a correct answer to a different record's question (a different process), or for every third
  record a reply that is not about chemistry at all.

Deterministic: run it again and the file is byte-identical. ``python tests/data/build_judge_pairs.py``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from judge_facts import FACTS, UNRELATED_ANSWERS

OUT = Path(__file__).resolve().parent / "judge_pairs.jsonl"


def truncate(answer: str, index: int) -> str:
    words = answer.split()
    fraction = (0.55, 0.62, 0.68, 0.75)[index % 4]
    cut = max(3, int(len(words) * fraction))
    while cut < len(words) - 1 and words[cut - 1].endswith((".", "!", "?")):
        cut += 1  # a cut right after a sentence end would look finished
    return " ".join(words[:cut]).rstrip(",;")


def off_topic_for(index: int) -> tuple[str, str]:
    if index % 3 == 2:
        return UNRELATED_ANSWERS[(index // 3) % len(UNRELATED_ANSWERS)], "unrelated"
    topic = FACTS[index]["topic"]
    step = 7
    j = (index + step) % len(FACTS)
    while FACTS[j]["topic"] == topic:
        j = (j + 1) % len(FACTS)
    return FACTS[j]["answer"], f"other_process:{FACTS[j]['id']}"


def build() -> list[dict]:
    pairs = []
    for i, fact in enumerate(FACTS):
        base = {"question": fact["question"], "context": fact["context"], "correct": fact["answer"]}
        pairs.append(
            {"id": f"{fact['id']}/wrong_fact", **base, "corrupted": fact["wrong"], "kind": "wrong_fact",
             "facet": fact["facet"]}
        )
        pairs.append(
            {"id": f"{fact['id']}/truncated", **base, "corrupted": truncate(fact["answer"], i), "kind": "truncated",
             "facet": ""}
        )
        text, source = off_topic_for(i)
        pairs.append({"id": f"{fact['id']}/off_topic", **base, "corrupted": text, "kind": "off_topic", "facet": source})
    return pairs


def main() -> None:
    pairs = build()
    ids = [p["id"] for p in pairs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with OUT.open("w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(pairs)} pairs from {len(FACTS)} fact records to {OUT}")


if __name__ == "__main__":
    main()
