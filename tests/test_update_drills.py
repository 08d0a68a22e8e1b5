"""Update drills: the README's three steps, done for the next edition of each figure family.

Each drill works on a copy of the data package (``data/`` is never touched): it adds the next period
to a CSV with a new source row (step 1), bumps the resource and package versions and writes a
changelog entry (step 2), then runs the affected pages with ``run --data`` (step 3). The drill
passes when the pages execute, the new value is drawn on its page, and the then-and-now figure's
"now" side holds the new period. The values are synthetic: they never leave the temporary copy.
"""

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import datasets
from analysis.common import editions
from conftest import ROOT

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


def _figure_spec(notebook: Path, name: str) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if f'id="fig-{name}"' in html:
                raw = html.split('class="thesis-chart-spec">', 1)[1].split("</script>", 1)[0]
                return json.loads(raw.replace("<\\/", "</"))
    raise AssertionError(f"figure fig-{name} not in {notebook.name}")


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.fixture(scope="module")
def drilled(tmp_path_factory):
    """One copy of the package with all four next editions, run once."""
    data = tmp_path_factory.mktemp("drill") / "data"
    import shutil

    shutil.copytree(ROOT / "data", data)
    results = [drill(data) for drill in DRILLS]
    out = data.parent / "out"
    cmd = [sys.executable, "-m", "analysis", "run", "--data", str(data), "--out", str(out)]
    for page, *_ in results:
        cmd += ["--only", page]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return data, out, results


def test_the_drilled_package_validates(drilled):
    from analysis import validate

    data, _, _ = drilled
    assert validate.problems(data) == []


@pytest.mark.parametrize("index", range(len(DRILLS)), ids=[d.__name__ for d in DRILLS])
def test_the_next_edition_reaches_the_then_and_now_figure(drilled, index):
    _, out, results = drilled
    page, figure, period, new, value = results[index]
    notebook = next(out.rglob(f"{page}.ipynb"))
    spec = _figure_spec(notebook, figure)
    rows = _rows(spec)
    periods = {str(r.get(period)) for r in rows if r.get("view", "now") == "now"}
    assert str(new) in periods, f"{figure}: {new} not among {sorted(periods)}"
    if value is not None:
        assert any(r.get("value") == value for r in rows), f"{figure}: {value} not drawn"
    then = {str(r.get(period)) for r in rows if r.get("view") == "then"}
    assert str(new) not in then


def test_data_is_untouched_by_the_drills(drilled):
    assert "drill" not in (ROOT / "data" / "sources.csv").read_text(encoding="utf-8")
