"""Alibaba Group and Alibaba.com (sections 2.1-2.3 and 3.4): revenue, segments, the December quarters,
the facts the thesis quotes, and what a growth trend fitted to the years the thesis could see forecast.

Alibaba's fiscal year ends on 31 March: FY2021 runs from April 2020 to March 2021. Revenue is
published in RMB million; charts show RMB billion (value / 1,000).

- ``labels``: names of segments, December-quarter lines, fact topics and fee ranges;
- ``data``: lookups and tidy frames (no Altair);
- ``models``: the log-linear growth trend and its forecast, fitted once per page;
- ``figures``: Altair specs; ``tables``: tables for people.
"""
