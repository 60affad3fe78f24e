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

Sphinx's saved environment (``DIR/.doctrees``) makes a second build read only the pages that
changed, so it would not repeat the warnings of an unchanged page: a failed strict build followed
by an unchanged one would pass. And Sphinx does not notice when its extensions (``scripts/``)
change. So the environment is kept only while ``DIR/.strict-pass`` holds the current *build key*
(the cache key plus every file under ``scripts/``), which ``--passed DIR`` writes after a strict
build that passed; otherwise ``--refresh --strict`` drops ``DIR/.doctrees`` and every page is
read again (their executed outputs still come from the cache). Any other build (``--refresh``
alone) forgets the pass::

    python3 scripts/cache_key.py --refresh _build --strict  # before a strict build
    python3 scripts/cache_key.py --passed _build            # after it passed
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY_FILE = ".cache-key"
PASS_FILE = ".strict-pass"
STALE = (".jupyter_cache", ".doctrees", "jupyter_execute")


def inputs(root: Path = ROOT) -> list[Path]:
    """The files the key covers: the pin list and every file of the helpers package."""
    helpers = [
        p
        for p in (root / "helpers").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    return [root / "requirements.txt", *sorted(helpers)]


def _digest(root: Path, paths: list[Path]) -> str:
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_key(root: Path = ROOT) -> str:
    return _digest(root, inputs(root))


def build_key(root: Path = ROOT) -> str:
    """The cache key's files plus the build's own code (``scripts/``, Sphinx extensions)."""
    scripts = [
        p
        for p in (root / "scripts").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    return _digest(root, inputs(root) + sorted(scripts))


def _holds(stamp: Path, key: str) -> bool:
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == key


def refresh(build: Path, key: str, passed_key: str | None = None) -> bool:
    """Keep ``build``'s cache if it was made under ``key``; else drop it. True when kept.

    With ``passed_key`` (the :func:`build_key`), also drop Sphinx's saved environment unless the
    last strict build in ``build`` passed under that key (:func:`mark_passed`)."""
    stamp = build / KEY_FILE
    passed = build / PASS_FILE
    if passed_key is not None and not _holds(passed, passed_key):
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
    passed.unlink(missing_ok=True)  # until this build passes again
    if _holds(stamp, key):
        return True
    for name in STALE:
        shutil.rmtree(build / name, ignore_errors=True)
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key + "\n", encoding="utf-8")
    return False


def mark_passed(build: Path, passed_key: str) -> None:
    """Record that a strict build in ``build`` passed under ``passed_key``."""
    (build / PASS_FILE).write_text(passed_key + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refresh", type=Path, metavar="DIR", help="drop DIR's cache if stale")
    parser.add_argument(
        "--strict", action="store_true", help="with --refresh: a strict build follows (see above)"
    )
    parser.add_argument(
        "--passed", type=Path, metavar="DIR", help="a strict build of DIR passed: keep its pages"
    )
    args = parser.parse_args(argv)
    key = cache_key()
    if args.passed is not None:
        mark_passed(args.passed, build_key())
    elif args.refresh is None:
        print(key)
    elif not refresh(args.refresh, key, build_key() if args.strict else None):
        print(f"{args.refresh}: helpers or pins changed (key {key}): execution cache dropped")


if __name__ == "__main__":
    main()
