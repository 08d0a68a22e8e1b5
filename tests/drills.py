"""The README's update procedure, scripted: the next edition of each figure family, and a correction.

Each drill works on a copy of the data package: it adds the next period to a CSV with a new source
row (step 1), bumps the resource and package versions and writes a changelog entry (step 2); step 3,
``run --data``, is the ``updated`` fixture in conftest.py. The values are synthetic: they never leave
the temporary copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import nbformat

from analysis import datasets
from analysis.common import editions, lookup

TODAY = dt.date.today().isoformat()


def _append(path: Path, rows: list[dict]) -> None:
    """Add rows by column name, as a maintainer fills a spreadsheet: columns not named stay empty."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="", lineterminator="\n")
        writer.writerows(rows)


def _add_source(data: Path, source_id: str) -> None:
    _append(data / "sources.csv", [dict(source_id=source_id, publisher="Drill publisher",
                                        title=f"Drill edition ({source_id})", url="https://example.org/drill",
                                        kind="primary", accessed=TODAY)])


def _row(status="verified_primary", **cells) -> dict:
    return dict(cells, status=status)


def _bump(data: Path, name: str) -> None:
    """Step 2: the resource's version and date, the package version, a changelog entry."""
    path = data / "datapackage.json"
    pkg = json.loads(path.read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        if res["name"] == name:
            major, minor, _ = res["version"].split(".")
            res["version"], res["last_updated"] = f"{major}.{int(minor) + 1}.0", TODAY
    major, minor, _ = pkg["version"].split(".")
    pkg["version"] = f"{major}.{int(minor) + 1}.0"
    path.write_text(json.dumps(pkg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with (data / "CHANGELOG.md").open("a", encoding="utf-8") as log:
        log.write(f"\n## {pkg['version']} ({TODAY})\n\n- `{name}`: drill edition.\n")


def next_annual_report(data: Path):
    annual = datasets.load("alibaba_annual_revenue", data)
    last = annual.loc[annual.fiscal_year.idxmax()]
    year, value = int(last.fiscal_year) + 1, round(float(last.value) * 1.07)
    _add_source(data, "drill_alibaba")
    _append(data / "alibaba_annual_revenue.csv",
            [_row(fiscal_year=year, fiscal_year_end=f"{year}-03-31", audited="true", value=value, unit=last.unit,
                  source_id="drill_alibaba", quote=f"Revenue RMB{value:,} million")])
    _bump(data, "alibaba_annual_revenue")
    return "2-1-alibaba-group", "alibaba-then-and-now", "fiscal_year", year, value


def next_barometer(data: Path):
    rows = []
    for name in ("allianz_global", "allianz_italy"):
        frame = datasets.load(name, data)
        newest = int(frame.edition.max())
        for r in frame[frame.edition == newest].itertuples():
            value = "" if r.value != r.value else r.value
            rows.append((name, _row(edition=newest + 1, rank=r.rank, risk=r.risk, value=value, unit=r.unit,
                                    source_id="drill_allianz", quote=f"{r.risk} {value}%")))
    _add_source(data, "drill_allianz")
    for name in ("allianz_global", "allianz_italy"):
        _append(data / f"{name}.csv", [row for n, row in rows if n == name])
        _bump(data, name)
    italy = datasets.load("allianz_italy", data)
    return "3-3-barriers-china", "risk-then-and-now", "edition", int(italy.edition.max()), None


def next_census(data: Path):
    census = datasets.load("istat_census_size", data)
    info = census.attrs["resource"]["editions"]
    newest = int(editions.newest(census))
    year = newest + int(info["cycle_months"]) // 12
    _add_source(data, "drill_istat")
    _append(data / "istat_census_size.csv",
            [_row(year=year, size_class=r.size_class, measure=r.measure, value=r.value, unit=r.unit,
                  source_id="drill_istat", quote=f"{r.value}")
             for r in census[(census.year == newest) & census.value.notna()].itertuples() if r.status != "derived"])
    _bump(data, "istat_census_size")
    return "1-1-economy-and-firms", "firms-then-and-now", "year", year, None


def next_trade_year(data: Path):
    istat = datasets.load("italy_china_trade_istat", data)
    full = istat[istat.period.str.fullmatch(r"\d{4}")]
    year = int(full.period.astype(int).max()) + 1
    _add_source(data, "drill_trade")
    rows = []
    for flow, value in (("exports", 12.345), ("imports", 54.321)):
        rows.append(_row(period=year, flow=flow, value=value, unit="EUR bn", source_id="drill_trade",
                         quote=f"{value} miliardi", basis="istat"))
    _append(data / "italy_china_trade_istat.csv", rows)
    _bump(data, "italy_china_trade_istat")
    return "1-2-why-china", "trade-then-and-now", "year", year, 54.321


DRILLS = [next_annual_report, next_barometer, next_census, next_trade_year]


def figure_spec(notebook: Path, name: str) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if f'id="fig-{name}"' in html:
                raw = html.split('class="thesis-chart-spec">', 1)[1].split("</script>", 1)[0]
                return json.loads(raw.replace("<\\/", "</"))
    raise AssertionError(f"figure fig-{name} not in {notebook.name}")


def drawn_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def shift_micro_share(data: Path, points: float) -> float:
    """Move census share points from small to micro firms in the edition the thesis could see (shares
    still add to 100); returns the new micro share."""
    from conftest import set_value

    census = datasets.load("istat_census_size", data)
    year = editions.last_seen(census)
    micro = lookup.value(census, year=year, size_class="3-9", measure="share_of_firms")
    small = lookup.value(census, year=year, size_class="10-49", measure="share_of_firms")
    for size, share in (("3-9", micro + points), ("10-49", small - points)):
        set_value(data / "istat_census_size.csv", round(share, 1), f"{share:.1f}%", year=year, size_class=size,
                  measure="share_of_firms")
    return round(micro + points, 1)


def changed_inputs(old: Path, new: Path, recorded: set[str]) -> set[str]:
    """The input keys (as the build records them, under ``old``) whose content differs in ``new``: a
    changed file, a resource whose metadata changed, a source row that changed or went, and those of
    the ``recorded`` reads of part of a table whose rows or columns read differently (compared as the
    CSV's text, independently of the loader)."""
    keys = {str(old / p.name) for p in old.iterdir() if p.is_file() and (new / p.name).read_bytes() != p.read_bytes()}
    meta = [{r["name"]: r for r in json.loads((d / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
            for d in (old, new)]
    keys |= {f"{old / 'datapackage.json'}#{n}" for n, r in meta[0].items() if meta[1].get(n) != r}
    rows = [{r["source_id"]: r for r in _rows(d / "sources.csv")} for d in (old, new)]
    keys |= {f"{old / 'datapackage.json'}#sources@{i}" for i, r in rows[0].items() if rows[1].get(i) != r}
    for key in recorded:
        name, _, query = key.partition("#")[2].partition("?")
        if query:
            path = meta[0][name]["path"]
            if _part(old / path, json.loads(query)) != _part(new / path, json.loads(query)):
                keys.add(key)
    return keys


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _part(path: Path, query: dict) -> list[list[str]]:
    hits = [r for r in _rows(path) if all(r[k] == v for k, v in query["where"].items())]
    return [[r[c] for c in (query["columns"] if query["columns"] is not None else r)] for r in hits]
