# Two commands do everything: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STUDY  ?= udsatte-byomraader-2025
STAMP  := $(VENV)/.installed

.PHONY: report test install ingest themes align notebooks clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/analysis run $(STUDY)

ingest: $(STAMP)
	$(BIN)/analysis run $(STUDY) --steps ingest

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/themes_quality.py

clean:
	rm -rf data/processed/* reports/*
	touch data/processed/.gitkeep reports/.gitkeep
