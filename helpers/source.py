"""Show a helper's source in a chapter, without the lines that check its arguments.

Every operation in ``helpers`` starts by checking its arguments (``helpers._validate``, with
messages written for students) and ends by giving back the type it was given. A chapter that shows
the source wants the algorithm, not that bookkeeping. :func:`show_source` folds it away:

- the docstring is left out (``docstring=True`` keeps it);
- statements at the top level of the body that call into ``helpers._validate``
  (``_v.tensor_arg(...)``) or a ``_check...`` function (``_check_fits(...)``), or that only
  ``raise`` when an argument is wrong, become one line ``...  # check the arguments``;
- when such checks open the body, the rest of the body's first paragraph (up to the first blank
  line) goes with them: those lines prepare the arguments (a dtype, a reshape) for the algorithm;
- if the code that remains reads names the folded lines set, the line says so:
  ``...  # check the arguments (this sets k_h, k_w)``;
- ``return _v.restore(y, was_numpy)`` (giving back the input's type) becomes ``return y``.

Everything else (comments, blank lines, layout) is shown as it is in the file.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap

CHECK_LINE = "...  # check the arguments"
_VALIDATE = "helpers._validate"


def _validation_call(node: ast.AST, namespace: dict) -> bool:
    """A call into ``helpers._validate`` (``_v.tensor_arg(...)``, or a function imported from it)
    or to a ``_check...`` function, looked up in the namespace of the function shown."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return getattr(namespace.get(func.value.id), "__name__", None) == _VALIDATE
    if isinstance(func, ast.Name):
        target = namespace.get(func.id)
        return func.id.startswith("_check") or getattr(target, "__module__", None) == _VALIDATE
    return False


def _checks_arguments(stmt: ast.stmt, namespace: dict) -> bool:
    """A statement that checks arguments: it calls a validation helper, or it only raises."""
    if isinstance(stmt, ast.Raise):
        return True
    if (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and all(isinstance(s, ast.Raise) for s in stmt.body)
    ):
        return True
    if isinstance(stmt, (ast.Return, ast.FunctionDef, ast.ClassDef)):
        return False
    return any(_validation_call(node, namespace) for node in ast.walk(stmt))


def _restore_value(stmt: ast.stmt, namespace: dict) -> ast.expr | None:
    """For ``return _v.restore(y, ...)``: the expression ``y``; otherwise None."""
    if not (isinstance(stmt, ast.Return) and _validation_call(stmt.value, namespace)):
        return None
    call = stmt.value
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
    if name != "restore" or not call.args or isinstance(call.args[0], ast.Starred):
        return None
    return call.args[0]


def _stored(stmts) -> dict[str, tuple[int, int]]:
    """Names the statements assign, each with the position of its first assignment."""
    names: dict[str, tuple[int, int]] = {}
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                here = (node.lineno, node.col_offset)
                names[node.id] = min(names.get(node.id, here), here)
    return names


def _read(code: str) -> set[str]:
    """Names that ``code`` reads."""
    return {
        n.id
        for n in ast.walk(ast.parse(code))
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def abridged_source(fn, *, docstring: bool = False) -> str:
    """The text :func:`show_source` shows: ``fn``'s source with its argument checks folded."""
    fn = inspect.unwrap(fn)
    if not inspect.isfunction(fn):
        raise TypeError(
            f"show_source needs a Python function, such as helpers.corr2d_loop, but got "
            f"{type(fn).__name__} {fn!r}."
        )
    text = textwrap.dedent(inspect.getsource(fn))
    lines = text.splitlines()
    func = ast.parse(text).body[0]
    namespace = fn.__globals__
    body = list(func.body)
    drop: set[int] = set()  # 0-based numbers of the lines left out
    replace: dict[int, str] = {}  # 0-based line number -> the text shown instead

    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
        if isinstance(first.value.value, str):
            body = body[1:]
            if not docstring:  # leave it out, with the blank lines after it
                end = first.end_lineno
                while end < len(lines) and not lines[end].strip():
                    end += 1
                drop.update(range(first.lineno - 1, end))

    # Runs of consecutive argument checks.
    runs: list[list[ast.stmt]] = []
    for i, stmt in enumerate(body):
        if _checks_arguments(stmt, namespace):
            if i > 0 and runs and runs[-1][-1] is body[i - 1]:
                runs[-1].append(stmt)
            else:
                runs.append([stmt])
    # Checks that open the body take the rest of its first paragraph with them.
    if runs and runs[0][0] is body[0]:
        start, end = body[0].lineno - 1, func.end_lineno
        blank = next((i for i in range(start, end) if not lines[i].strip()), None)
        if blank is not None:
            for stmt in body[len(runs[0]) :]:
                if stmt.lineno - 1 > blank or isinstance(stmt, ast.Return):
                    break
                runs[0].append(stmt)
            runs[1:] = [run for run in runs[1:] if run[0].lineno - 1 > blank]

    for stmt in body:
        value = _restore_value(stmt, namespace)
        if value is not None:
            indent = lines[stmt.lineno - 1][: stmt.col_offset]
            drop.update(range(stmt.lineno - 1, stmt.end_lineno))
            replace[stmt.lineno - 1] = f"{indent}return {ast.get_source_segment(text, value)}"

    heads = []
    for run in runs:
        head = run[0].lineno - 1
        drop.update(range(head, run[-1].end_lineno))  # with any comments between the checks
        replace[head] = lines[head][: run[0].col_offset] + CHECK_LINE
        heads.append(head)

    shown = {
        i: replace.get(i, line) for i, line in enumerate(lines) if i in replace or i not in drop
    }
    # Name the variables the folded lines hand to the code that is shown.
    folded = {id(stmt) for run in runs for stmt in run}
    kept = _stored(stmt for stmt in body if id(stmt) not in folded)
    reads = _read("\n".join(line for i, line in shown.items() if i not in heads))
    known = set(kept) | set(dir(builtins)) | set(namespace)
    known |= {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    for head, run in zip(heads, runs):
        stored = _stored(run)
        handed = sorted((set(stored) - known) & reads, key=stored.get)
        if handed:
            shown[head] += f" (this sets {', '.join(handed)})"
    return "\n".join(shown.values())


def show_source(fn, *, docstring: bool = False):
    """``fn``'s source as an IPython ``Code`` object, with its argument checks folded into one line.

    Leave the call last in a notebook cell to show the code with syntax highlighting; the text is
    ``show_source(fn).data``. See :mod:`helpers.source` for what is folded and how. For example,
    ``show_source(helpers.corr2d_loop)`` shows the double loop, with one line
    ``...  # check the arguments (this sets dtype)`` in place of the lines that check ``x`` and
    ``kernel`` and pick the dtype to compute in.
    """
    from IPython.display import Code  # lazy: `import helpers` stays light

    return Code(abridged_source(fn, docstring=docstring), language="python")
