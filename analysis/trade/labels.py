"""Readable names for the codes in the trade datasets: series, flows, directions, editions, marks."""

from __future__ import annotations

#: China's macro series drawn in the first chart, keyed by (indicator, flow).
MACRO_LABELS = {("gdp", "total"): "GDP", ("goods_trade", "total"): "Goods trade, total",
                ("goods_trade", "exports"): "Goods exports", ("goods_trade", "imports"): "Goods imports",
                ("goods_trade", "balance"): "Goods trade balance"}
VINTAGES = {"preliminary": "first published", "revised": "revised"}
TRADE_KIND = {"goods_trade": "Trade in goods (customs, GACC)", "services_trade": "Trade in services (MOFCOM)"}
FLOW_LABELS = {"total": "Total (exports + imports)", "exports": "Exports", "imports": "Imports",
               "balance": "Balance (exports - imports)"}
ISTAT_FLOWS = {"exports": "Italian exports to China", "imports": "Italian imports from China",
               "balance": "Balance (exports - imports)", "total": "Total (exports + imports)"}
#: The two directions of trade, whichever side records them.
INTO_CHINA, INTO_ITALY = "Italian goods into China", "Chinese goods into Italy"
DIRECTION = {"exports": INTO_CHINA, "imports": INTO_ITALY,
             "china_imports_from_italy": INTO_CHINA, "china_exports_to_italy": INTO_ITALY}
ISTAT_RECORDER, GACC_RECORDER = "ISTAT (Italy), EUR bn", "Chinese customs (GACC), USD bn"

#: Editions of the cross-border e-commerce series, in publication order.
EDITIONS = {"emarketer_2016_06": "eMarketer, June 2016", "emarketer_2017_04": "eMarketer, April 2017",
            "emarketer_2017_11": "eMarketer, November 2017", "emarketer_2018_late": "eMarketer, late 2018",
            "alizila_2017_thesis": "The thesis's Table 2 (credited to Alizila 2017)"}
THESIS_TABLE = "alizila_2017_thesis"
KIND_ORDER = ["estimate", "implied estimate (derived)", "forecast"]
KIND_SHAPES = ["circle", "diamond", "triangle-up"]

RETAIL_LABELS = {"online_retail_sales": "Online retail sales (goods and services)",
                 "online_retail_sales_physical_goods": "of which physical goods"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

#: Mark for each kind of value; a shape legend reads these.
NOT_AVAILABLE = "not available"
LOWER_BOUND = "lower bound ('more than')"
BASIS_ORDER = ["verified", "derived", LOWER_BOUND, NOT_AVAILABLE]
BASIS_SHAPES = ["circle", "diamond", "triangle-up", "square"]

#: The ISTAT series mixes bases (the data's ``basis`` column): one shape for each, so a reader sees which
#: points on one axis are not like the others. The first label is the series' own basis.
ISTAT_BASES = {"istat": "ISTAT, final", "istat_preliminary": "ISTAT, preliminary",
               "eurostat": "Eurostat (not ISTAT)", "istat_goods_and_services": "goods and services (not goods only)",
               "istat_lower_bound": LOWER_BOUND, "derived": "derived", "not_found": NOT_AVAILABLE}
ISTAT_BASIS_SHAPES = ["circle", "cross", "triangle-down", "wedge", "triangle-up", "diamond", "square"]

#: The views of a then-and-now figure, named from the periods they end with.
VIEWS = {"then": "As the thesis could see it (to {last})", "now": "With the newest data (to {last})"}

#: What the two 95% intervals of a level shift say, one label per case (table cells, titles, the page).
EVIDENCE = {"both": "both intervals exclude zero",
            "hac_only": "only the Newey-West interval excludes zero",
            "ols_only": "only the ordinary interval excludes zero",
            "neither": "neither interval excludes zero"}
FIT_LINES = ["fitted, before", "fitted, after", "earlier trend carried on"]
