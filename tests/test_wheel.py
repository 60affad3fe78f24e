"""The course package as a learner installs it: the wheel, in a clean environment, runs every
exported notebook.

- The wheel is built from a copy of ``helpers/``, ``pyproject.toml`` and ``README.md`` (no stale
  ``build/`` folder, nothing written into the checkout) and holds every file of ``helpers/``:
  subpackages (``helpers.checks``), folders without ``__init__.py`` and the players' js/css.
- A clean virtual environment, outside any path of this checkout that Python could import from,
  gets only what the wheel needs to run the notebooks (numpy, torch, matplotlib, ipywidgets at the
  pins of ``requirements.txt``) and ipykernel/nbclient to run them; no jupytext, myst-nb, Sphinx.
  It is kept in ``~/.cache/conv-course/wheel-env/<hash of those pins>`` (outside the checkout,
  shared by clones) and reused while the pins stay the same. Each run installs its wheel into a
  folder of its own on ``PYTHONPATH``, so runs in other checkouts never share a wheel.
- Every student and instructor notebook that ``scripts/export_notebooks.py`` writes runs there,
  two at a time, with the kernels' working directory in a temporary folder, so ``import helpers``
  can only find the wheel. 0 errors (cells tagged ``raises-exception`` aside), every code cell run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from scripts import exercises, export_notebooks

ROOT = Path(__file__).resolve().parents[1]

RUNNER = Path(__file__).with_name("run_notebooks.py")
# What the notebooks need at run time (the wheel's dependencies), and what runs them.
RUNTIME = ["numpy", "torch", "matplotlib", "ipywidgets"]
RUNNER_NEEDS = ["ipykernel", "nbclient", "nbformat"]
BUILD_TOOLS = ["jupytext", "myst_nb", "myst_parser", "sphinx", "jupyter_book", "nbval", "pytest"]
# Outside the checkout, shared by every clone and worktree on the machine (CI runs in a fresh
# clone): one environment per set of pins, made once. COURSE_WHEEL_ENVS overrides the folder.
ENVS = Path(
    os.environ.get("COURSE_WHEEL_ENVS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "conv-course"
    / "wheel-env"
)


def helpers_files() -> list[str]:
    """Every file of ``helpers/`` as the wheel names it (``helpers/checks/speed.py``)."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "helpers").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def build_wheel(source: Path, out: Path, extra: dict[str, str] | None = None) -> Path:
    """The wheel of a copy of the package's files in ``source`` (plus ``extra`` files)."""
    shutil.copytree(
        ROOT / "helpers", source / "helpers", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name, text in (extra or {}).items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("conv_course_helpers-*.whl")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_every_file_of_helpers(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    files = helpers_files()
    assert "helpers/checks/__init__.py" in files and "helpers/web/player.js" in files
    missing = [name for name in files if name not in names]
    assert not missing, f"not in {wheel.name}: {missing}"
    extra = [n for n in names if n.startswith("helpers/") and n not in files]
    assert not extra, f"in the wheel but not in helpers/: {extra}"
    version = export_notebooks.package_version()
    assert wheel.name.startswith(f"conv_course_helpers-{version}-")


def test_files_added_to_helpers_later_are_packaged_too(tmp_path):
    """Packaging follows the tree: a new subpackage, a folder of assets without ``__init__.py``
    and a new kind of file need no edit of pyproject.toml. Caches never go in."""
    extra = {
        "helpers/images/icons/play.svg": "<svg/>",
        "helpers/images/data.json": "{}",
        "helpers/newpart/__init__.py": "",
        "helpers/newpart/tables.csv": "a,b",
        "helpers/newpart/__pycache__/x.cpython-311.pyc": "",
    }
    found = build_wheel(tmp_path / "source", tmp_path, extra)
    names = set(zipfile.ZipFile(found).namelist())
    assert {name for name in extra if "__pycache__" not in name} <= names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def pins(names: list[str]) -> list[str]:
    """``name==version`` from requirements.txt (the one pin list) for each name."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            found[match[1].lower().replace("_", "-")] = match[0]
    return [found[name.lower().replace("_", "-")] for name in names]


def constraints() -> str:
    """requirements.txt without the editable install: pins for whatever pip pulls in."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if re.match(r"^[A-Za-z0-9_.-]+==", line)) + "\n"


def environment() -> Path:
    """A virtual environment with the runtime and runner pins, made once per set of pins."""
    wanted = pins(RUNTIME + RUNNER_NEEDS)
    key = hashlib.sha256("\n".join([sys.version, *wanted, constraints()]).encode()).hexdigest()[:16]
    env = ENVS / key
    python = env / "bin" / "python"
    if python.exists() and (env / ".complete").exists():
        return env
    ENVS.mkdir(parents=True, exist_ok=True)
    partial = ENVS / f"{key}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3")
    subprocess.run([base, "-m", "venv", str(partial)], check=True)
    (partial / "constraints.txt").write_text(constraints(), encoding="utf-8")
    subprocess.run(
        [str(partial / "bin" / "python"), "-m", "pip", "install", "--quiet", *wanted]
        + ["-c", str(partial / "constraints.txt")],
        check=True,
        capture_output=True,
        timeout=1200,
    )
    (partial / ".complete").touch()
    try:  # a venv's scripts hold its path: the interpreter is always called directly
        partial.rename(env)
    except OSError:  # another run made the same environment meanwhile: use that one
        shutil.rmtree(partial, ignore_errors=True)
    return env


class CleanEnv:
    """The shared environment's Python, with this run's wheel installed into a folder of its own
    (``pip install --target``) on ``PYTHONPATH``: runs in other checkouts never see this wheel."""

    def __init__(self, python: Path, site: Path):
        self.python, self.site = python, site

    def run(self, args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
        drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["PYTHONPATH"] = str(self.site)  # inherited by the kernels nbclient starts
        return subprocess.run(
            [str(self.python), *args], cwd=cwd, env=env, capture_output=True, text=True, **kwargs
        )


@pytest.fixture(scope="module")
def clean_env(wheel, tmp_path_factory) -> CleanEnv:
    python = environment() / "bin" / "python"
    site = tmp_path_factory.mktemp("wheel-site")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
        + [str(wheel)],
        check=True,
        capture_output=True,
    )
    env = CleanEnv(python, site)
    check = env.run(["-m", "pip", "check"], cwd=site)
    assert check.returncode == 0, check.stdout  # the wheel's dependencies are all there
    return env


def test_the_clean_environment_has_the_wheel_and_no_build_tool(clean_env, tmp_path):
    probe = (
        "import importlib.util as u, json, helpers, helpers.checks;"
        f"print(json.dumps([helpers.__file__, [m for m in {BUILD_TOOLS!r} if u.find_spec(m)]]))"
    )
    out = clean_env.run(["-c", probe], cwd=tmp_path, check=True)
    location, tools = json.loads(out.stdout)
    assert Path(location).is_relative_to(clean_env.site), location  # the wheel, not the checkout
    assert tools == [], f"build tools in the clean environment: {tools}"


def test_every_exported_notebook_runs_from_the_wheel(clean_env, tmp_path):
    """Student and instructor notebooks of every chapter, plus one broken notebook that must be
    reported (so a run that cannot see errors cannot pass)."""
    exported = tmp_path / "notebooks"
    notebooks = export_notebooks.export(exported)
    assert len(notebooks) == 2 * len(export_notebooks.book_chapters())
    broken = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell('raise ValueError("deliberately broken")')]
    )
    nbformat.write(broken, exported / "broken.ipynb")
    work = tmp_path / "work"  # the kernels' working directory: nothing of the checkout
    work.mkdir()
    # Longest first (fast-convolution's timings), so the two kernels finish close together.
    order = sorted(notebooks, key=lambda p: -p.stat().st_size) + [exported / "broken.ipynb"]
    args = [str(RUNNER), "--jobs", "2", "--cwd", str(work), "--write", *map(str, order)]
    run = clean_env.run(args, cwd=work, timeout=1800)
    assert run.returncode == 0, run.stderr[-4000:]
    summary = json.loads(run.stdout)
    results = {
        Path(r["notebook"]).relative_to(exported).as_posix(): r for r in summary["notebooks"]
    }
    assert results.pop("broken.ipynb")["errors"] == ["cell 0: ValueError: deliberately broken"]
    errors = {name: r["errors"] for name, r in results.items() if r["errors"]}
    assert not errors, json.dumps(errors, indent=1)
    not_run = {n: r for n, r in results.items() if r["cells_run"] != r["code_cells"]}
    assert not not_run, not_run
    # A value the book glues into its text is a name in the notebook's text, printed by its cell.
    glued = 0
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        text = "".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        printed = "".join(
            output.get("text", "")
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.outputs
            if output.get("name") == "stdout"
        )
        source = (ROOT / "book" / f"{path.stem}.md").read_text(encoding="utf-8")
        if path.parent.name == "student":
            source = exercises.strip_solutions(source)
        for name in set(re.findall(r"\{glue(?::\w+)?\}`([\w-]+)", source)):
            assert f"`{name}`" in text and f"\n{name} = " in f"\n{printed}", (path, name)
            glued += 1
    assert glued, "no glued value checked"
    cells = sum(r["cells_run"] for r in results.values())
    report = ", ".join(f"{n} {r['seconds']}s" for n, r in sorted(results.items()))
    print(f"\n{len(results)} notebooks, {cells} cells, 0 errors in {summary['seconds']}s: {report}")
