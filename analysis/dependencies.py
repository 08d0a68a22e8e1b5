"""Which modules of the ``analysis`` package a page depends on, and their fingerprint.

A page's code cells are parsed for imports; each analysis module reached is parsed in turn
(relative imports included), so a page depends on exactly the modules it can run. Editing
``analysis/trade/figures.py`` re-runs the pages that reach it, not the others.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def code_hash(root: Path = ROOT, notebook: Path | None = None) -> str:
    """The analysis modules a notebook uses (transitively) and the pinned environment.

    Without a notebook, every module counts. Editing ``analysis/trade/figures.py`` therefore
    re-runs the trade pages, not the firms page.
    """
    modules = analysis_modules(root)
    used = sorted(modules) if notebook is None else sorted(imported_modules(root, notebook))
    digest = hashlib.sha256()
    for path in [modules[name] for name in used] + [root / "requirements.txt"]:
        if path.exists():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def analysis_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the ``analysis`` package under ``root``, by dotted name."""
    found = {}
    for path in sorted((root / "analysis").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_modules(root: Path, notebook: Path) -> set[str]:
    """Dotted names of the analysis modules the notebook's code reaches through its imports."""
    known = analysis_modules(root)
    seen: set[str] = set()
    todo = _imports(code_of(notebook), "__page__", False)
    if todo is None:  # code we cannot parse: depend on everything rather than miss a module
        return set(known)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for prefix in (".".join(parts[:i]) for i in range(1, len(parts) + 1)):  # parents run first
            if prefix in known and prefix not in seen:
                seen.add(prefix)
                path = known[prefix]
                todo |= _imports(path.read_text(encoding="utf-8"), prefix, path.name == "__init__.py") or set()
    return seen


def _imports(source: str, module: str, is_package: bool) -> set[str] | None:
    """Absolute dotted names imported by ``source`` (None when it is not Python)."""
    names = _parsed_imports(source, module, is_package)
    return None if names is None else set(names)


@lru_cache(maxsize=512)
def _parsed_imports(source: str, module: str, is_package: bool) -> frozenset[str] | None:
    # Keyed by the source text itself: an edited module is parsed again. Every staleness check of
    # every page walks the same modules; parsing them each time was 5 s of a one-page rebuild.
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = module if is_package else module.rpartition(".")[0]
            for _ in range(max(node.level - 1, 0)):
                package = package.rpartition(".")[0]
            base = ".".join(p for p in (package, node.module) if p) if node.level else node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(names)


_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)


def code_of(notebook: Path) -> str:
    """The code cells of a notebook as one Python source (IPython magics and shell lines dropped)."""
    text = notebook.read_text(encoding="utf-8")
    if notebook.suffix == ".ipynb":
        cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                 for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    else:
        cells = [re.sub(r"\A---\n.*?\n---\n", "", body, flags=re.S) for body in _CODE_CELL.findall(text)]
    lines = [ln for cell in cells for ln in cell.splitlines()
             if not ln.lstrip().startswith(("%", "!")) and not re.match(r":\w+:", ln)]
    return "\n".join(lines)
