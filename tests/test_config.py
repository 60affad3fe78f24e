"""The project's promises about its setup: one exact pin list, CPU-only torch everywhere, the two
README commands, CI calling exactly the test command, and no launch button to a broken page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def load(path: str):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def requirement_lines() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_requirements_pin_everything_exactly():
    lines = requirement_lines()
    assert "-e ." in lines, "helpers must be installed from the requirements (-e .)"
    loose = [
        line for line in lines if line != "-e ." and not re.fullmatch(r"[\w.\-]+==[\w.]+", line)
    ]
    assert not loose, f"not exact pins: {loose}"
    pins = dict(line.split("==") for line in lines if "==" in line)
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    assert pins["torch"] == "2.13.0"
    assert pins["jupyter-book"].startswith("1.")
    for needed in ("jupytext", "numpy", "matplotlib", "ipywidgets", "nbval", "playwright"):
        assert needed in pins, f"{needed} is not pinned"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme[: readme.index("## Two commands") + 400]
    assert "make book" in top and "make test" in top
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    commands = [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == ["make test"]


def test_workflows_run_the_test_command_and_deploy_with_least_privilege():
    test = load(".github/workflows/test.yml")
    steps = test["jobs"]["test"]["steps"]
    assert any(step.get("run") == "make test" for step in steps)
    assert test["permissions"] == {"contents": "read"}
    deploy = load(".github/workflows/deploy.yml")
    assert deploy["permissions"] == {"contents": "read"}
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s.get("uses", "") for job in deploy["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    for workflow in (test, deploy):
        for job in workflow["jobs"].values():
            if any("make" in s.get("run", "") for s in job["steps"]):
                assert job["env"]["PIP_EXTRA_INDEX_URL"] == CPU_INDEX


def pins(path: str) -> dict[str, str]:
    """``{normalised name: version}`` of the exact pins in a requirements file."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    found = {}
    for line in lines:
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.strip().split("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


# What a learner never needs on Binder: the docs build, tests, lint.
DEV_ONLY = (
    "sphinx",
    "jupyter-book",
    "myst-nb",
    "sphinx-book-theme",
    "pydata-sphinx-theme",
    "ruff",
    "codespell",
    "pytest",
    "pytest-xdist",
    "nbval",
    "playwright",
    "pre-commit",
    "hypothesis",
    "coverage",
)


def test_binder_pins_agree_with_requirements():
    binder, everything = pins("binder/requirements.txt"), pins("requirements.txt")
    disagree = {n: (v, everything.get(n)) for n, v in binder.items() if everything.get(n) != v}
    assert not disagree, (
        f"binder/requirements.txt vs requirements.txt (name: binder, main): {disagree}"
    )


def test_binder_installs_only_what_a_learner_needs_with_cpu_torch():
    text = (ROOT / "binder/requirements.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    assert f"--extra-index-url {CPU_INDEX}" in lines
    # No -r/-e: repo2docker then installs it before copying the repository (a cached layer).
    assert not [line for line in lines if line.startswith(("-r", "-e", "."))]
    binder = pins("binder/requirements.txt")
    assert binder["torch"] == "2.13.0"
    # The server that fits the pinned lab extensions (Binder's base image has JupyterLab 4.4.9).
    assert binder["jupyterlab"].startswith("4.6.") and binder["notebook"].startswith("7.6.")
    for needed in ("jupytext", "jupyterlab-widgets", "ipywidgets", "jupyterlab-myst", "ipykernel"):
        assert needed in binder, f"{needed} is not pinned for Binder"
    for needed in ("numpy", "torch", "matplotlib"):
        assert needed in binder, f"the chapters import {needed}: pin it for Binder"
    assert not [name for name in DEV_ONLY if name in binder]


def test_binder_and_the_lab_test_share_one_lab_settings_file():
    settings = ROOT / "binder/jupyter/labconfig/default_setting_overrides.json"
    viewers = json.loads(settings.read_text(encoding="utf-8"))
    assert viewers["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == (
        "Jupytext Notebook"
    )
    post = (ROOT / "binder/postBuild").read_text(encoding="utf-8")
    assert (
        f"cp {settings.relative_to(ROOT)} " in post
        and "pip install --no-cache-dir --no-deps -e ." in post
    )
    assert (ROOT / "binder/runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"


def test_launch_links_open_the_deployed_commit():
    # _config.yml names main for local builds; the deploy replaces it with the commit it publishes.
    assert re.search(r"^  branch: main$", (ROOT / "_config.yml").read_text(encoding="utf-8"), re.M)
    steps = load(".github/workflows/deploy.yml")["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    sed = 'sed -i "s/^  branch: main$/  branch: ${GITHUB_SHA}/" _config.yml'
    pin = next(i for i, run in enumerate(runs) if sed in run)
    build = next(i for i, run in enumerate(runs) if run.startswith("make book"))
    assert pin < build


def test_book_config_is_strict_cached_and_has_no_broken_launch_button():
    config = load("_config.yml")
    execute = config["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert isinstance(execute["timeout"], int) and execute["timeout"] > 0
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    buttons = config["launch_buttons"]
    assert buttons["binderhub_url"] and buttons["thebe"] is True
    # The theme's Colab button would open the .md; course_pages links the exported notebook.
    assert "colab_url" not in buttons, "Colab cannot open .md notebooks (see tests/test_colab.py)"
    assert config["html"]["use_repository_button"] and config["html"]["use_issues_button"]


WORKFLOWS = ROOT / ".github" / "workflows"


def workflows() -> dict[str, dict]:
    return {p.name: load(f".github/workflows/{p.name}") for p in WORKFLOWS.glob("*.yml")}


def test_ci_caches_the_execution_cache_with_its_key():
    """The Makefile keeps `_build/.jupyter_cache` only when `_build/.cache-key` matches the key of
    scripts/cache_key.py (the student edition's likewise, under `_build/student`); CI computes its
    cache key with the same script and restores both files of each edition it builds.
    (tests/test_build.py shows that a restored cache then executes nothing.)"""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "scripts/cache_key.py --refresh" in makefile
    assert "sha1sum" not in makefile, "one key recipe: scripts/cache_key.py"
    book = {"_build/.jupyter_cache", "_build/.cache-key"}
    student = {"_build/student/.jupyter_cache", "_build/student/.cache-key"}
    # make test builds both editions; the deploy builds the book only.
    for name, needs_save, paths in (
        ("test.yml", True, book | student),
        ("deploy.yml", False, book),
    ):
        steps = [s for job in workflows()[name]["jobs"].values() for s in job["steps"]]
        key_steps = [s for s in steps if "scripts/cache_key.py" in s.get("run", "")]
        assert len(key_steps) == 1, name
        caches = [s for s in steps if s.get("uses", "").startswith("actions/cache")]
        assert len(caches) == 1, name
        cache = caches[0]
        action = "actions/cache@" if needs_save else "actions/cache/restore@"
        assert cache["uses"].startswith(action), name
        assert set(cache["with"]["path"].split()) == paths, name
        assert f"steps.{key_steps[0]['id']}.outputs.key" in cache["with"]["key"]
        assert cache["with"]["restore-keys"] in cache["with"]["key"]


def test_deploy_builds_strictly_only_the_commit_the_tests_passed_on():
    deploy = workflows()["deploy.yml"]
    trigger = deploy[True]  # YAML reads the key `on` as True
    assert set(trigger) == {"workflow_run"}, "no push/dispatch trigger that skips the tests"
    run = trigger["workflow_run"]
    assert run["workflows"] == [load(".github/workflows/test.yml")["name"]]
    assert run["types"] == ["completed"] and run["branches"] == ["main"]
    build = deploy["jobs"]["build"]
    assert "github.event.workflow_run.conclusion == 'success'" in build["if"]
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    assert any(s.get("run", "").startswith("make book STRICT_BUILD=1") for s in build["steps"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "jupyter-book build . $(if $(STRICT_BUILD),$(STRICT))" in makefile


def test_every_workflow_job_has_a_timeout_and_checkouts_keep_no_credentials():
    for name, workflow in workflows().items():
        for job_name, job in workflow["jobs"].items():
            minutes = job.get("timeout-minutes")
            assert isinstance(minutes, int) and 0 < minutes <= 120, f"{name}: {job_name}"
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{name}: {job_name}"


def test_dependabot_updates_actions_and_every_pip_pin_list():
    updates = load(".github/dependabot.yml")["updates"]
    watched = {(u["package-ecosystem"], u["directory"]) for u in updates}
    assert ("github-actions", "/") in watched
    for folder in ("/", "/binder"):
        assert ("pip", folder) in watched
        assert (ROOT / folder.lstrip("/") / "requirements.txt").exists()


def chapter_imports() -> dict[str, set[str]]:
    """``{top-level module: chapters}`` for every module a toc chapter's code cells import."""
    import ast

    import jupytext

    from scripts.exercises import toc_documents

    found: dict[str, set[str]] = {}
    for path in toc_documents(ROOT / "_toc.yml"):
        for cell in jupytext.read(path).cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join(
                line
                for line in cell.source.splitlines()
                if not line.lstrip().startswith(("%", "!"))
            )
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def test_binder_installs_every_module_the_chapters_import():
    import sys
    from importlib.metadata import packages_distributions

    binder = pins("binder/requirements.txt")
    providers = packages_distributions()
    missing = {}
    for module, chapters in chapter_imports().items():
        # helpers and scripts: the project's own packages, installed by binder/postBuild
        if module in sys.stdlib_module_names or module in ("helpers", "scripts"):
            continue
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in providers.get(module, [module])}
        if not dists & binder.keys():
            missing[module] = sorted(chapters)
    assert not missing, (
        f"chapters import modules binder/requirements.txt does not install: {missing}"
    )
