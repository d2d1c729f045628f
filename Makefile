# Two commands matter: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
APT_PACKAGES := postgresql pgbouncer chromium poppler-utils fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: run test install system-deps lint typecheck layers pytest bench docs clean

# The clinic on http://127.0.0.1:8000 with its embedded database under ./data, migrated, and a
# demo clinic on first start (the staff accounts and passwords are printed).
run: install
	$(UV) run microneedling serve --demo --data-dir data

test: install lint typecheck layers pytest

install: system-deps .venv/.synced node_modules/.package-lock.json

.venv/.synced: pyproject.toml uv.lock
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv
	# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE set (as on CI) every Python
	# process the tests start (servers, CLI runs, Dask workers, pytest itself) would otherwise
	# compile its imports from source again (docs/testing.md has the measurement).
	$(UV) sync --frozen --compile-bytecode
	@touch $@

# Browser assets for the pages (htmx), pinned in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# System packages (PostgreSQL and PgBouncer for the clinic suite, Chromium for the browser suite, Pango for PDFs),
# installed with apt-get only when one is missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint:
	$(UV) run ruff check src tests benchmarks tools
	$(UV) run ruff format --check src tests benchmarks tools

typecheck:
	$(UV) run mypy src

layers:
	$(UV) run lint-imports

pytest:
	$(UV) run pytest

bench: install
	$(UV) run python -m benchmarks

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
