"""Why China (section 1.2): China's economy and trade, Italy-China trade (ISTAT and Chinese customs),
cross-border e-commerce and online retail.

- ``labels``: names of series, flows, directions, editions and marks;
- ``data``: lookups and tidy frames (no Altair), e.g. ``data.istat_value(istat, 2019, "exports")``;
- ``models``: the level shift in Italy-China trade after the years the thesis could see (Newey-West
  standard errors) and the growth implied by one eMarketer edition, each fitted once per page;
- ``figures``: Altair specs; ``tables``: tables for people.
"""
