# Two commands: `make book` builds the book, `make test` runs every test (what CI runs).
# Both create the virtual environment (.venv) from requirements.txt on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HTML   := _build/html
PORT   ?= 8000
# Strict: warnings are errors, nitpicky cross-references, keep going to report every problem.
STRICT := --warningiserror --nitpick --keep-going
# Executed notebooks are cached by their own text only; when the helpers they import (or the pins)
# change, drop the cache and Sphinx's saved pages (which would otherwise keep their old outputs,
# their sources being unchanged), so no page keeps an output made by old code.
CACHE_KEY = $(shell cat requirements.txt helpers/*.py helpers/*/*.py helpers/*.js helpers/*.css 2>/dev/null | sha1sum | cut -c1-16)
define fresh-cache
	@if [ "$$(cat _build/.cache-key 2>/dev/null)" != "$(CACHE_KEY)" ]; then \
		rm -rf _build/.jupyter_cache _build/.doctrees _build/jupyter_execute; mkdir -p _build; echo "$(CACHE_KEY)" > _build/.cache-key; fi
endef

.PHONY: book test serve student notebooks lint clean help

help:
	@echo "make book      build the HTML book into $(HTML) (creates .venv on first use)"
	@echo "make test      lint, strict book build, unit tests, every chapter under nbval, browser tests"
	@echo "make serve     serve $(HTML) on http://127.0.0.1:$(PORT)"
	@echo "make student   build the book without solutions into _build/student/html (for students)"
	@echo "make notebooks student and instructor notebooks (.ipynb, zips) into _build/notebooks"
	@echo "make clean     remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml node_modules/.package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# The browser tests' local MathJax and axe-core (package.json, exact versions in package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

book: $(STAMP)
	$(fresh-cache)
	$(BIN)/jupyter-book build .
	@echo "Open $(abspath $(HTML))/index.html, or run 'make serve'."

serve: $(STAMP)
	@test -f $(HTML)/index.html || $(MAKE) book
	@echo "Serving the book on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# The instructor kit (see book/instructors.md): solutions removed, not hidden. The student book
# has its own execution cache, dropped on the same key as the instructor book's.
student: $(STAMP)
	@if [ "$$(cat _build/student/.cache-key 2>/dev/null)" != "$(CACHE_KEY)" ]; then \
		rm -rf _build/student/.jupyter_cache; mkdir -p _build/student; \
		echo "$(CACHE_KEY)" > _build/student/.cache-key; fi
	$(BIN)/python scripts/student_build.py --all

notebooks: $(STAMP)
	$(BIN)/python scripts/export_notebooks.py

lint: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

test: $(STAMP)
	scripts/ensure-chromium
	$(MAKE) lint
	$(fresh-cache)
	$(BIN)/jupyter-book build . $(STRICT)
	$(BIN)/python -m pytest -n 2 --dist loadfile

clean:
	rm -rf _build
