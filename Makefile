# Two commands do all the set-up on a fresh machine:
#   make crawl   crawl the bundled offline portal into output/portal.jsonl
#   make test    lint, type-check and run the whole test suite (installs redis-server)
# The venv's interpreter: the system's CPython when it is 3.11+ and can make a venv, else
# python3 from PATH. Debian's links libpython into the executable; it ran the extraction
# 16-23% faster here than pyenv's default build (shared libpython, no PGO):
# bench/results/interpreters.md. `make PYTHON=...` picks another.
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys, ensurepip; \
	sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: crawl test lint compiler redis-server valgrind bench bench-extraction bench-crawl \
	bench-interpreters bench-gc clean

$(STAMP): pyproject.toml setup.py crawler/pages/_walk.pyx crawler/pages/_gbk.pyx | compiler
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

# The C extensions (setup.py) need a C compiler and the interpreter's headers; install them
# when missing. Without them the install still succeeds: the walk in Python and the
# GB18030 codec do the same work.
compiler:
	@{ command -v cc >/dev/null && $(PYTHON) -c 'import os, sys, sysconfig; \
		sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))'; } || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		gcc python3-dev >/dev/null; }

# The cluster tests start their own redis-server on 127.0.0.1; install it when missing.
redis-server:
	@command -v redis-server >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

test: lint redis-server
	$(BIN)/python -m pytest

# Extraction quality and speed against trafilatura and GNE (benchmark, not a test).
BENCH_DATA ?= ../shared/data/zh-content-dev
bench-extraction: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.extraction $(BENCH_DATA) --repeat 15 --out bench/results/extraction.md

# valgrind counts the instructions per page of each extractor (bench.instructions).
valgrind:
	@command -v valgrind >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }

# Crawl against bare Scrapy on a synthetic portal, extraction rate, memory (about 25 minutes).
bench-crawl: $(STAMP) valgrind
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.crawl --articles 2000 --big 20000 --out bench/results/performance.md

# The extraction on this venv's interpreter against OTHER_PYTHON's, taking turns (1 minute).
OTHER_PYTHON ?= python3
bench-interpreters: $(STAMP)
	$(OTHER_PYTHON) -m venv .venv-other
	.venv-other/bin/pip install --quiet -e .
	$(BIN)/python -m bench.interpreters $(BIN)/python .venv-other/bin/python \
		--out bench/results/interpreters.md

# The portal crawl with and without GcTuning, taking turns, each probed (about 6 minutes).
bench-gc: $(STAMP)
	$(BIN)/python -m bench.gc_probe --out bench/results/gc.md

bench: bench-extraction bench-crawl bench-interpreters bench-gc

clean:
	rm -rf $(VENV) .venv-other output .pytest_cache .mypy_cache .ruff_cache
