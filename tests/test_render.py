"""Charts render to one offline output: static SVG, spec for the site's own Vega, PNG, alt text."""

import base64
import json
import re

import altair as alt
import pandas as pd
import pytest

from analysis import datasets
from analysis.common import render, style
from conftest import DATA

#: The Okabe-Ito palette (Okabe & Ito 2008), distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


@pytest.fixture(scope="module")
def census():
    return datasets.load("istat_census_size", DATA)


@pytest.fixture(scope="module")
def spec(census):
    chart = alt.Chart(census[census.measure == "share_of_firms"]).mark_bar().encode(x="value:Q", y="size_class:N")
    return style.finish(chart, name="firms-test-shares", title="A finding", alt_text="Bars of shares.",
                        data=census, note="Scope </script> note").to_dict()


def test_render_gives_html_png_and_alt_text(spec):
    bundle = render.render(spec)
    assert set(bundle) == {"text/html", "image/png", "text/plain", render.ITEM_MIME}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "Bars of shares."


def test_html_is_self_contained_accessible_and_anchored_by_name(spec):
    html = render.render(spec)["text/html"]
    assert html.startswith('<figure class="thesis-chart" id="fig-firms-test-shares">')
    assert '<svg aria-hidden="true"' in html and 'role="img" aria-label="Bars of shares."' in html
    assert "<script src" not in html and not re.search(r'(src|href)="(https?:)?//cdn', html)
    payload = re.search(r'<script type="application/json" class="thesis-chart-spec">(.*?)</script>', html, re.S).group(1)
    assert json.loads(payload.replace("<\\/", "</"))["description"] == "Bars of shares."


def test_footer_names_publisher_links_source_and_data_version(spec, census):
    html = render.render(spec)["text/html"]
    res = census.attrs["resource"]
    for source_id in census[census.measure == "share_of_firms"].source_id.unique():
        src = datasets.sources(DATA)[source_id]
        assert src["publisher"] in html and f'href="{src["url"]}"' in html
    assert f'href="_DATA_/{res["path"]}"' in html and f"version {res['version']}" in html
    assert "Scope &lt;/script&gt; note" in html


def test_a_chart_without_alt_text_is_refused():
    with pytest.raises(ValueError, match="alt text"):
        render.render(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict())


def test_finish_refuses_data_that_cannot_be_cited():
    with pytest.raises(ValueError, match="datasets.load"):
        style.finish(alt.Chart(pd.DataFrame({"x": [1]})).mark_point(), name="test-x", title="t", alt_text="a",
                     data=pd.DataFrame({"x": [1]}))


def test_bundle_is_scoped_and_defines_vega_embed():
    js = render.javascript_bundle()
    assert js.startswith("(function(){") and js.rstrip().endswith("})();")
    assert "window.vegaEmbed" in js and len(js) > 500_000


def test_every_palette_colour_is_an_okabe_ito_colour():
    assert set(style.PALETTE) <= OKABE_ITO and len(set(style.PALETTE)) == len(style.PALETTE)
