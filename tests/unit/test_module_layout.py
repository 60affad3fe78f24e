"""The layout of helpers/: no module uses another module's private names, and the player's two
plan kinds share one interface (helpers.animation.plan.Plan)."""

import ast
from pathlib import Path

import pytest
import torch

from helpers.animation import MODES, SCATTER_MODES, Player, make_plan
from helpers.animation.plan import Plan

HELPERS = Path(__file__).resolve().parents[2] / "helpers"
MODULES = sorted(p for p in HELPERS.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(HELPERS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """Whether ``name`` (``helpers.x.y``) is a module or package of helpers/ (a file, a folder)."""
    path = HELPERS.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def reach_ins(path: Path) -> list[str]:
    """``from m import _name`` and ``m._name`` where ``m`` is another helpers module and
    ``_name`` is defined in it (a private *module*, such as ``_validate``, may be imported)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = ".".join(filter(None, [base if node.level else "", node.module or ""]))
            if not source.startswith("helpers"):
                continue
            for alias in node.names:
                if is_module(f"{source}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
                elif private(alias.name):
                    found.append(f"from {source} import {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and private(node.attr)
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(HELPERS).as_posix())
def test_no_module_uses_another_modules_private_names(path):
    assert reach_ins(path) == []


def test_the_check_sees_a_reach_in(tmp_path):
    bad = HELPERS / "drawing" / "_probe_layout.py"
    bad.write_text(
        "from ..animation.sliding import _text\nfrom . import canvas\ncanvas._blend\n",
        encoding="utf-8",
    )
    try:
        assert reach_ins(bad) == ["from helpers.animation.sliding import _text", "canvas._blend"]
    finally:
        bad.unlink()


X = torch.arange(9.0).reshape(3, 3)
K = torch.arange(4.0).reshape(2, 2)
ARGS = {"corr": {"kernel": K}, "max": {"kernel_size": 2}, "avg": {"kernel_size": 2}}


@pytest.mark.parametrize("mode", [*MODES, *SCATTER_MODES])
def test_both_plan_kinds_answer_the_one_interface(mode):
    plan = make_plan(X, mode=mode, **ARGS.get(mode, {"kernel": K}))
    assert isinstance(plan, Plan) and plan.mode == mode
    steps = plan.steps()
    assert len(steps) == plan.count and [s.text for s in plan.steps(limit=1)] == [steps[0].text]
    data = plan.payload()
    panels = plan.final_state(data)
    assert panels[-1].caption == "Output" and panels[-1].grid
    assert plan.title() and plan.description()
    assert Player(plan, None, None).title == plan.title()
