"""Charts render to one offline output: static SVG, spec for the site's own Vega, PNG, alt text."""

import base64
import json
import re

import altair as alt
import pandas as pd
import pytest

from analysis import charts, datasets, offline
from conftest import DATA


@pytest.fixture(scope="module")
def spec():
    census = datasets.load("istat_census_size", DATA)
    chart = alt.Chart(census[census.measure == "share_of_firms"]).mark_bar().encode(x="value:Q", y="size_class:N")
    return charts.finish(chart, title="A finding", alt_text="Bars of shares.", data=census,
                         note="Scope </script> note").to_dict()


def test_render_gives_html_png_and_alt_text(spec):
    bundle = offline.render(spec)
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "Bars of shares."


def test_html_is_self_contained_and_accessible(spec):
    html = offline.render(spec)["text/html"]
    assert '<svg aria-hidden="true"' in html and 'role="img" aria-label="Bars of shares."' in html
    assert "<script src" not in html and not re.search(r'(src|href)="(https?:)?//cdn', html)
    payload = re.search(r'<script type="application/json" class="thesis-chart-spec">(.*?)</script>', html, re.S).group(1)
    assert json.loads(payload)["description"] == "Bars of shares."


def test_footer_names_publisher_links_source_and_data_version(spec):
    html = offline.render(spec)["text/html"]
    assert "ISTAT" in html and 'href="https://www.istat.it/it/archivio/238337"' in html
    assert 'href="_DATA_/istat_census_size.csv"' in html and "version 1.0.0" in html
    assert "Scope &lt;/script&gt; note" in html


def test_a_chart_without_alt_text_is_refused():
    with pytest.raises(ValueError, match="alt text"):
        offline.render(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict())


def test_finish_refuses_data_that_cannot_be_cited():
    with pytest.raises(ValueError, match="datasets.load"):
        charts.finish(alt.Chart(pd.DataFrame({"x": [1]})).mark_point(), title="t", alt_text="a",
                      data=pd.DataFrame({"x": [1]}))


def test_bundle_is_scoped_and_defines_vega_embed():
    js = offline.javascript_bundle()
    assert js.startswith("(function(){") and js.rstrip().endswith("})();")
    assert "window.vegaEmbed" in js and len(js) > 500_000


def test_palette_is_okabe_ito():
    assert charts.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]
