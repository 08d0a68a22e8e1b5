"""One entry point for every rule the data package must satisfy: schemas first, then the domain checks.

``datasets`` reads and type-checks single files; ``checks`` holds the rules across rows and files
(sums, orders). This module runs both, so neither imports the other's caller.
"""

from __future__ import annotations

from pathlib import Path

from . import checks, datasets, sources_rules


def problems(root: Path | str | None = None, domain: bool = True) -> list[str]:
    """Every problem in the package, one line each naming file, row and column (empty when clean).

    The domain checks (sums, orders) run only once every file is well-formed: a sum over a column
    that failed to parse would only repeat the schema error.
    """
    found = []
    try:
        pkg = datasets.package(root)
    except datasets.DataError as err:
        return [str(err)]
    for name in pkg.names:
        try:
            datasets.load(name, pkg.root)
        except datasets.DataError as err:
            found.append(str(err))
        except KeyError as err:
            found.append(f"{pkg.root / 'datapackage.json'}: resource '{name}' lacks {err}")
    if domain and not found:
        found = checks.run_all(pkg.root) + sources_rules.run(pkg.root)[0]
    return found


def warnings(root: Path | str | None = None) -> list[str]:
    """What deserves a look but does not stop a build (for example a source no row cites)."""
    try:
        return sources_rules.run(root)[1]
    except datasets.DataError:
        return []
