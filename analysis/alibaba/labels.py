"""Readable names for the codes in the Alibaba datasets: segments, December-quarter lines, topics, fees."""

from __future__ import annotations

AUDITED, UNAUDITED = "Audited", "Unaudited, includes Alipay"
#: The unaudited basis inside a sentence.
UNAUDITED_NOTE = "unaudited, includes Alipay"
WHOLESALE = "international_commerce_wholesale"
ALIBABA_COM, OTHER_SEGMENTS = "Alibaba.com", "Other segments"

SEGMENT_LABELS = {
    "core_commerce": "Core commerce (total)",
    "china_commerce_retail": "China commerce retail (Taobao, Tmall)",
    "china_commerce_retail_customer_management": "China retail: customer management",
    "china_commerce_retail_others": "China retail: others",
    "china_commerce_wholesale": "China commerce wholesale (1688.com)",
    "international_commerce_retail": "International commerce retail (AliExpress, Lazada)",
    WHOLESALE: "International commerce wholesale (Alibaba.com)",
    "cainiao_logistics_services": "Cainiao logistics services",
    "local_consumer_services": "Local consumer services",
    "core_commerce_others": "Other core commerce",
    "cloud_computing": "Cloud computing",
    "digital_media_and_entertainment": "Digital media and entertainment",
    "innovation_initiatives_and_others": "Innovation initiatives and others",
}
#: Segments that together make total revenue, with core commerce split into its lines.
LEAF_SEGMENTS = ["china_commerce_retail", "china_commerce_wholesale", "international_commerce_retail", WHOLESALE,
                 "cainiao_logistics_services", "local_consumer_services", "core_commerce_others",
                 "cloud_computing", "digital_media_and_entertainment", "innovation_initiatives_and_others"]
#: Rows of the segment table, in the 20-F's order (sub-lines after their parent).
TABLE_SEGMENTS = ["core_commerce", "china_commerce_retail", "china_commerce_retail_customer_management",
                  "china_commerce_retail_others", *LEAF_SEGMENTS[1:]]
TOTAL_LABEL = "Total revenue (sum of segments)"

QUARTER_LABELS = {"2019Q4": "Oct-Dec 2019 (FY2020 Q3)", "2020Q4": "Oct-Dec 2020 (FY2021 Q3)"}
LINE_LABELS = {
    "total_revenue": "Total revenue",
    "total_revenue_usd": "Total revenue in US dollars",
    "total_revenue_yoy_growth": "Total revenue, growth on a year earlier",
    "core_commerce_yoy_growth": "Core commerce, growth on a year earlier",
    "core_commerce_share_of_revenue": "Core commerce, share of revenue",
    "china_commerce_retail_yoy_growth": "China commerce retail, growth on a year earlier",
    "china_commerce_retail_share_of_revenue": "China commerce retail, share of revenue",
    "china_commerce_wholesale_share_of_revenue": "China commerce wholesale, share of revenue",
    "international_commerce_retail_share_of_revenue": "International commerce retail, share of revenue",
    "international_commerce_wholesale_yoy_growth": "International commerce wholesale, growth on a year earlier",
    "international_commerce_wholesale_share_of_core_commerce": "International commerce wholesale, share of core commerce",
    "international_commerce_wholesale_share_of_revenue": "International commerce wholesale, share of revenue",
    "cainiao_logistics_services_share_of_revenue": "Cainiao logistics services, share of revenue",
    "cloud_computing_usd": "Cloud computing in US dollars",
    "cloud_computing_yoy_growth": "Cloud computing, growth on a year earlier",
    "cloud_computing_share_of_revenue": "Cloud computing, share of revenue",
    "digital_media_and_entertainment_share_of_revenue": "Digital media and entertainment, share of revenue",
    "innovation_initiatives_and_others_share_of_revenue": "Innovation initiatives and others, share of revenue",
    "net_cash_from_operating_activities": "Net cash from operating activities",
    "net_cash_from_operating_activities_yoy_growth": "Net cash from operating activities, growth on a year earlier",
    "free_cash_flow_non_gaap": "Free cash flow (non-GAAP)",
    "free_cash_flow_non_gaap_usd": "Free cash flow (non-GAAP) in US dollars",
    "capital_expenditures": "Capital expenditures",
    **{k: v for k, v in SEGMENT_LABELS.items() if k != "core_commerce"},
    "core_commerce": "Core commerce",
}
#: December-quarter lines in RMB million, in reading order (the chart of Tables 4 and 5).
QUARTER_RMB_LINES = ["total_revenue", "core_commerce", "china_commerce_retail",
                     "china_commerce_retail_customer_management", "china_commerce_retail_others",
                     "china_commerce_wholesale", "international_commerce_retail", WHOLESALE,
                     "local_consumer_services", "cainiao_logistics_services", "core_commerce_others",
                     "cloud_computing", "digital_media_and_entertainment", "innovation_initiatives_and_others"]
#: Reading order of the December-quarter lines: each line, then its US-dollar value, growth and shares.
LINE_BASES = [*QUARTER_RMB_LINES, "net_cash_from_operating_activities", "free_cash_flow_non_gaap",
              "capital_expenditures"]
LINE_SUFFIXES = ["", "_usd", "_yoy_growth", "_share_of_revenue", "_share_of_core_commerce"]

TOPIC_TITLES = {
    "alibaba_com_scale": "How big Alibaba.com is",
    "alibaba_com_services": "Alibaba.com's services for sellers",
    "alibaba_com_fees": "What selling costs: Alibaba.com and Amazon",
    "helloita": "helloITA on Tmall",
    "ice_alibaba_cooperation": "ICE, Alibaba and other marketplaces",
    "italy_b2b_export": "Italy's B2B online exports",
    "made_in_italy_pavilion": "The Made in Italy pavilion on Alibaba.com",
    "tmall_italian_gmv": "Italian brands' flagship stores on Tmall",
    "antitrust_fine": "The 2021 antitrust fine on Alibaba Group",
    "china_retail_consumers": "Annual active consumers on Alibaba's China retail marketplaces",
    "online_trade_shows": "Alibaba.com's online trade shows",
    "ipr_protection": "Alibaba's intellectual property protection",
}

#: How the fee rows pair up into ranges: fact -> (range, end of range). The row's period is added
#: to the range's label (``data.fees``), so a new edition of a fee never carries an old year.
FEE_RANGES = {
    "Alibaba.com commission on sales (most countries)": ("Alibaba.com commission, thesis", "point"),
    "Amazon referral fee, lowest rate (thesis)": ("Amazon, thesis", "low"),
    "Amazon referral fee, highest rate (thesis)": ("Amazon, thesis", "high"),
    "Amazon referral fee, typical range low end": ("Amazon, usual range, US", "low"),
    "Amazon referral fee, typical range high end": ("Amazon, usual range, US", "high"),
    "Amazon referral fee, highest category rate (Amazon device accessories)": ("Amazon, highest category, US", "point"),
}


def fy(year) -> str:
    """'FY2021' for 2021."""
    return f"FY{int(year)}"
