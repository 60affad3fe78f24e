"""The execution cache's key: one recipe for the Makefile and CI.

Jupyter Book caches an executed notebook by the notebook's own text. When the helpers it imports
or the pinned packages change, its outputs may change too, so the cache (and Sphinx's saved pages,
which would keep the old outputs) must go. The key is a hash of ``requirements.txt`` and every
file under ``helpers/`` (paths and contents, in sorted order; ``__pycache__`` ignored)::

    python3 scripts/cache_key.py                   # print the key (CI: the cache's key)
    python3 scripts/cache_key.py --refresh _build  # drop a stale cache in _build, write the key

``--refresh DIR`` compares the key with ``DIR/.cache-key``; when they differ it removes
``DIR/.jupyter_cache``, ``DIR/.doctrees`` and ``DIR/jupyter_execute`` and writes the new key.
CI restores ``_build/.jupyter_cache`` *and* ``_build/.cache-key`` together, so an unchanged run
keeps its cache and executes nothing. Standard library only: it runs before the venv exists.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY_FILE = ".cache-key"
STALE = (".jupyter_cache", ".doctrees", "jupyter_execute")


def inputs(root: Path = ROOT) -> list[Path]:
    """The files the key covers: the pin list and every file of the helpers package."""
    helpers = [
        p
        for p in (root / "helpers").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    return [root / "requirements.txt", *sorted(helpers)]


def cache_key(root: Path = ROOT) -> str:
    digest = hashlib.sha1()
    for path in inputs(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def refresh(build: Path, key: str) -> bool:
    """Keep ``build``'s cache if it was made under ``key``; else drop it. True when kept."""
    stamp = build / KEY_FILE
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == key:
        return True
    for name in STALE:
        shutil.rmtree(build / name, ignore_errors=True)
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key + "\n", encoding="utf-8")
    return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refresh", type=Path, metavar="DIR", help="drop DIR's cache if stale")
    args = parser.parse_args(argv)
    key = cache_key()
    if args.refresh is None:
        print(key)
    elif not refresh(args.refresh, key):
        print(f"{args.refresh}: helpers or pins changed (key {key}): execution cache dropped")


if __name__ == "__main__":
    main()
