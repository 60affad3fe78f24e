"""The project's build tools, an installed package (``pip install -e .``), imported as ``scripts.*``
from chapters, tests and Sphinx alike: no ``sys.path`` edits, no loading by file path.

- :mod:`scripts.exercises`: every chapter's exercises, solutions and self-checks, read from source;
- :mod:`scripts.glossary`: the glossary, merged from the chapters' "Key terms" tables;
- :mod:`scripts.course_pages`: Sphinx extension (summary pages follow chapter edits);
- :mod:`scripts.student_build`: the student edition (Sphinx extension and command);
- :mod:`scripts.export_notebooks`: student and instructor notebooks;
- :mod:`scripts.cache_key`: the execution cache's key (standard library only; Makefile and CI).

Commands run as modules from the repository root, e.g. ``python -m scripts.student_build``.
"""
