"""helpers.show_source: a helper's code without its argument checks, still readable as code."""

from __future__ import annotations

import ast
import builtins

import pytest
import torch
from IPython.display import Code

import helpers
from helpers import _validate as _v
from helpers import correlation, pooling
from helpers.source import CHECK_LINE, abridged_source

SHOWN = [correlation.corr2d_loop, pooling.pool2d_loop, correlation.corr2d, correlation.conv2d]


def test_exported_and_returns_highlighted_python():
    code = helpers.show_source(helpers.corr2d_loop)
    assert isinstance(code, Code)
    assert code.data == abridged_source(correlation.corr2d_loop)
    assert 'class="' in code._repr_html_()  # syntax-highlighted when shown in a notebook


def test_corr2d_loop_shows_the_double_loop_without_the_checks():
    text = abridged_source(helpers.corr2d_loop)
    lines = text.splitlines()
    assert lines[0] == "def corr2d_loop(x, kernel):"
    assert lines[1] == f"    {CHECK_LINE} (this sets dtype)"
    assert lines[-1] == "    return y"  # not `_v.restore(y, was_numpy)`
    assert "_v." not in text and "_check_fits" not in text and '"""' not in text
    assert "for i in range(y.shape[0]):" in text
    assert "y[i, j] = (x[i : i + k_h, j : j + k_w] * kernel).sum()" in text


def test_pool2d_loop_names_what_the_checks_set():
    text = abridged_source(helpers.pool2d_loop)
    assert f"{CHECK_LINE} (this sets k_h, k_w, s_h, s_w, out_h, out_w)" in text
    assert "_v." not in text
    assert 'window.max() if mode == "max" else window.mean()' in text


def test_a_function_without_a_paragraph_keeps_its_computation():
    # corr2d has no blank line: only the checks fold, the call that computes stays
    text = abridged_source(correlation.corr2d)
    assert text.splitlines()[1] == f"    {CHECK_LINE}"
    assert "y = _conv(" in text and text.endswith("return y[0, 0]")


@pytest.mark.parametrize("fn", SHOWN, ids=lambda f: f.__name__)
def test_every_name_the_shown_code_reads_is_accounted_for(fn):
    """The code shown parses, and each name it reads is a parameter, a name it sets itself, a
    module global or builtin, or one the check line says it sets."""
    text = abridged_source(fn)
    tree = ast.parse(text)
    func = tree.body[0]
    said = set()
    for line in text.splitlines():
        if CHECK_LINE in line and "(this sets " in line:
            said |= {n.strip() for n in line.split("(this sets ")[1].rstrip(")").split(",")}
    params = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    names = [n for n in ast.walk(func) if isinstance(n, ast.Name)]
    stored = {n.id for n in names if isinstance(n.ctx, ast.Store)}
    known = params | stored | said | set(dir(builtins)) | set(fn.__globals__)
    unknown = {n.id for n in names if isinstance(n.ctx, ast.Load)} - known
    assert not unknown, f"{fn.__name__} shows {sorted(unknown)} without saying where they come from"
    assert not any(v in said for v in params)


@pytest.mark.parametrize("fn", SHOWN, ids=lambda f: f.__name__)
def test_the_docstring_on_request(fn):
    assert fn.__doc__.splitlines()[0] in abridged_source(fn, docstring=True)
    assert fn.__doc__.splitlines()[0] not in abridged_source(fn)


def _example(x, k):
    """Docstring."""
    x, was_numpy = _v.tensor_arg(x, "x", 2, "(H, W)")
    if k < 1:
        raise ValueError("k must be positive")
    total = x.sum() * k  # the algorithm
    # a comment that stays
    if total > 0:
        total = total + 1
    return _v.restore(total, was_numpy)


def test_raises_and_validation_fold_comments_and_other_ifs_stay():
    text = abridged_source(_example)
    assert text.splitlines() == [
        "def _example(x, k):",
        f"    {CHECK_LINE}",
        "    total = x.sum() * k  # the algorithm",
        "    # a comment that stays",
        "    if total > 0:",
        "        total = total + 1",
        "    return total",
    ]
    # the function itself still works: the display changed nothing
    assert _example(torch.ones(2, 2), 2) == 9


@pytest.mark.parametrize("thing", [len, torch.zeros, "corr2d_loop", helpers])
def test_only_python_functions(thing):
    with pytest.raises(TypeError, match="needs a Python function"):
        helpers.show_source(thing)
