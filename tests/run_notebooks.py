"""Run notebooks with nbclient and count what happened; print one JSON summary.

    python run_notebooks.py [--jobs N] [--timeout S] [--cwd DIR] [--write] NOTEBOOK...

A plain script, not a test module: ``tests/test_wheel.py`` runs it with the Python of a clean
environment (the course wheel and the libraries it needs, nothing from this checkout), so it needs
only ``nbclient`` and ``nbformat``. Every code cell runs (errors do not stop the notebook), in
``--cwd``; an error in a cell tagged ``raises-exception`` is expected and not counted. Notebooks
run ``--jobs`` at a time, one kernel each. ``--write`` saves each executed notebook in place.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

EXPECTED = "raises-exception"


def run(path: str, timeout: int, cwd: str, write: bool = False) -> dict:
    """One notebook: code cells run, errors outside ``raises-exception`` cells, seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        startup_timeout=300,  # a loaded machine (2 cores, parallel tests) starts kernels slowly
        resources={"metadata": {"path": cwd}},
    )
    try:
        client.execute()
    except Exception as error:  # a kernel that died or never started: reported, not raised
        failure = f"notebook: {type(error).__name__}: {error}"[:500]
        return {
            "notebook": path,
            "code_cells": -1,
            "cells_run": 0,
            "errors": [failure],
            "seconds": round(time.perf_counter() - start, 1),
        }
    if write:
        nbformat.write(notebook, path)
    cells, errors = 0, []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        cells += 1
        if EXPECTED in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output['ename']}: {output['evalue']}"[:500])
    code = sum(cell.cell_type == "code" for cell in notebook.cells)
    return {
        "notebook": path,
        "code_cells": code,
        "cells_run": cells,
        "errors": errors,
        "seconds": round(time.perf_counter() - start, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--cwd", default=".", help="the kernels' working directory")
    parser.add_argument("--write", action="store_true", help="save executed notebooks in place")
    args = parser.parse_args(argv)
    cwd = str(Path(args.cwd).resolve())
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run, path, args.timeout, cwd, args.write) for path in args.notebooks]
        results = [future.result() for future in futures]
    summary = {"seconds": round(time.perf_counter() - start, 1), "notebooks": results}
    json.dump(summary, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
