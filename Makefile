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
# their sources being unchanged), so no page keeps an output made by old code. One recipe for the
# key, shared with CI: scripts/cache_key.py.
define fresh-cache
	@$(PYTHON) scripts/cache_key.py --refresh $(1) $(2)
endef
# A strict build keeps Sphinx's saved pages only if the last strict build there passed (and the
# build's code in scripts/ is unchanged): an unchanged page is not read again, so its warnings
# would not be repeated. `passed` records the pass (scripts/cache_key.py).
passed = $(PYTHON) scripts/cache_key.py --passed $(1)

.PHONY: book catalogues test serve lab student notebooks assignments grade lint clean help

help:
	@echo "make book      build the HTML book into $(HTML), the Chinese edition into $(HTML)/zh"
	@echo "               (creates .venv on first use;"
	@echo "               STRICT_BUILD=1: warnings are errors, as in make test)"
	@echo "make catalogues  after an English edit: update locales/zh_CN/*.po, print their counts"
	@echo "make test      lint, strict book build, unit tests, every chapter under nbval, browser tests"
	@echo "make serve     serve $(HTML) on http://127.0.0.1:$(PORT)"
	@echo "make lab       JupyterLab with the chapters as notebooks, set up as on Binder"
	@echo "make student   build the book without solutions into _build/student/html (for students)"
	@echo "make notebooks student and instructor notebooks (.ipynb, zips) into _build/notebooks"
	@echo "make assignments  autograded assignments (otter-grader) into _build/assignments"
	@echo "make grade SUBMISSIONS=dir [CHAPTER=name]  grade a folder of notebooks: scores.csv, feedback"
	@echo "make clean     remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# The browser tests' local MathJax and axe-core (package.json, exact versions in package-lock.json);
# only `make test` needs them (and npm), not `make book`.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Both editions: English into $(HTML), Chinese (locales/zh_CN, scripts/editions.py) into $(HTML)/zh,
# from the English build's execution cache (the Chinese build executes no chapter again).
book: $(STAMP)
	$(call fresh-cache,_build)
	$(call fresh-cache,_build/zh)
	$(BIN)/jupyter-book build . $(if $(STRICT_BUILD),$(STRICT))
	$(BIN)/python -m scripts.editions $(if $(STRICT_BUILD),--strict)
	@echo "Open $(abspath $(HTML))/index.html, or run 'make serve'."

# After an English edit: bring the translations' catalogues up to date (changed messages become
# fuzzy) and print each page's counts; `git diff locales/` shows what changed.
catalogues: $(STAMP)
	$(BIN)/python -m scripts.translations update

serve: $(STAMP)
	@test -f $(HTML)/index.html || $(MAKE) book
	@echo "Serving the book on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# JupyterLab from .venv with Binder's lab settings (binder/jupyter: a chapter's .md opens as a
# notebook, the kernel starts by itself) and no autosave (binder/local: running a chapter does not
# rewrite it), opening the first chapter. LAB_ARGS adds options, e.g. LAB_ARGS=--no-browser.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/binder/local:$(CURDIR)/binder/jupyter" $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
		--ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/book/intro.md $(LAB_ARGS)

# The instructor kit (see book/instructors.md): solutions removed, not hidden. The student book
# has its own execution cache, dropped on the same key as the instructor book's.
student: $(STAMP)
	$(call fresh-cache,_build/student)
	$(call fresh-cache,_build/student/zh)
	$(BIN)/python -m scripts.student_build --all
	$(BIN)/python -m scripts.editions --student --all

notebooks: $(STAMP)
	$(BIN)/python -m scripts.export_notebooks

# Autograded assignments (see book/instructors.md, "Grading").
assignments: $(STAMP)
	$(BIN)/python -m scripts.assignments

TIME_LIMIT ?= 60
JOBS ?= 2
ASSIGNMENTS ?= _build/assignments
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [CHAPTER=name] [OUT=folder]"; exit 2; }
	@test -d $(ASSIGNMENTS) || $(MAKE) assignments
	$(BIN)/python -m scripts.grade "$(SUBMISSIONS)" --time-limit $(TIME_LIMIT) --jobs $(JOBS) \
		--assignments "$(ASSIGNMENTS)" \
		$(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(OUT),--out $(OUT))

lint: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

# Lint and the strict builds of both editions (the book into _build/html, the student edition into
# _build/student/html) run side by side; the tests then use these two builds, never their own.
test: $(STAMP) node_modules/.package-lock.json
	scripts/ensure-chromium
	$(call fresh-cache,_build,--strict)
	$(call fresh-cache,_build/zh,--strict)
	$(call fresh-cache,_build/student,--strict)
	$(call fresh-cache,_build/student/zh,--strict)
	@PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure & lint=$$!; \
	{ $(BIN)/python -m scripts.student_build --strict && $(call passed,_build/student) && \
	  $(BIN)/python -m scripts.editions --student --strict && $(call passed,_build/student/zh); } & student=$$!; \
	$(BIN)/jupyter-book build . $(STRICT) && $(call passed,_build) && \
	  $(BIN)/python -m scripts.editions --strict && $(call passed,_build/zh); book=$$?; \
	wait $$student; student=$$?; wait $$lint; lint=$$?; \
	echo "lint: exit $$lint, book builds (English, Chinese): exit $$book, student builds (English, Chinese): exit $$student"; \
	test $$lint -eq 0 && test $$book -eq 0 && test $$student -eq 0
	$(BIN)/python -m pytest -n 2 --dist loadfile

clean:
	rm -rf _build
