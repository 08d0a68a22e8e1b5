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
    found += undescribed(pkg)
    if domain and not found:
        found = checks.run_all(pkg.root) + negative_counts(pkg) + sources_rules.run(pkg.root)[0]
    return found


def undescribed(pkg: datasets.Package) -> list[str]:
    """CSV files in the data folder that datapackage.json does not describe: the build would ignore them."""
    described = {(pkg.root / pkg.resource(n)["path"]).resolve() for n in pkg.names}
    return [f"{path}: not described in datapackage.json (add a resource for it, or move it out of the data folder)"
            for path in sorted(pkg.root.glob("*.csv")) if path.resolve() not in described]


#: Units whose values may be negative: changes, shares of a change, money (a balance), calendar values.
SIGNED_UNITS = ("%", "EUR", "USD", "CNY", "RMB", "year", "date")


def negative_counts(pkg: datasets.Package) -> list[str]:
    """A count (firms, persons, countries, ...) below zero is a typo, whatever the schema allows."""
    found = []
    for name in pkg.names:
        frame = pkg.load(name)
        if not {"value", "unit"} <= set(frame.columns):
            continue
        counts = ~frame.unit.fillna("").str.startswith(SIGNED_UNITS)
        for index in frame.index[counts & (frame.value < 0)]:
            found.append(f"{frame.attrs['path']}, row {index + 2}, column 'value': {frame.value[index]:g} "
                         f"{frame.unit[index]} is a count and cannot be negative")
    return found


def warnings(root: Path | str | None = None) -> list[str]:
    """What deserves a look but does not stop a build (for example a source no row cites)."""
    try:
        return sources_rules.run(root)[1]
    except datasets.DataError:
        return []
