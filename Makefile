# The README's two commands: `make demo` and `make test`. Each sets itself up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The modules compiled with mypyc (src/accord/_native.py): installing builds them, so a
# change to one installs again (until then, an edited one is imported as source).
NATIVE_SOURCES := $(shell sed -n 's/^    "accord\.\(.*\)",$$/\1/p' src/accord/_native.py | tr . / | sed 's|^|src/accord/|; s|$$|.py|')

NODE_PARSER := tests/interop/node/node_modules/@asyncapi/parser

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml setup.py $(NATIVE_SOURCES)
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/accord --version
	$(BIN)/accord lint
	$(BIN)/accord check
	$(BIN)/accord diff orders.OrderPlaced
	$(BIN)/accord compat contracts/orders/order_placed.yaml@1 contracts/orders/order_placed.yaml@2
	$(BIN)/accord export asyncapi --out build/asyncapi.yaml
	$(BIN)/accord gen python --out build/generated --package shop_events
	$(BIN)/accord sim run scenarios/shop.yaml
	$(BIN)/python scripts/engines_tour.py
	$(BIN)/accord sim run scenarios/broker_faults.yaml
	$(BIN)/accord docs build --config-file site/mkdocs.yml --out build/site --strict
	@echo "documentation site: open build/site/index.html in a browser, from the folder (or: $(BIN)/accord docs serve -f site/mkdocs.yml)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks plugins examples scripts
	$(BIN)/mypy

# The official AsyncAPI parser checks what `accord export asyncapi` writes (Node, from npm).
$(NODE_PARSER): tests/interop/node/package.json
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --no-package-lock --prefix tests/interop/node; \
	else echo "npm not found: the AsyncAPI parser test will be skipped"; fi

test: lint $(NODE_PARSER)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@# Debian's servers and load generator that some benchmarks drive (root, as on CI).
	@command -v nats-server >/dev/null && command -v redis-server >/dev/null \
		&& command -v wrk >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server redis-server wrk; }
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache tests/interop/node/node_modules
