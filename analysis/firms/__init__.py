"""Italy's economy and its firms (section 1.1): sector shares, the EU SME definition, the ISTAT census
size mix, Italy's SMEs beside the EU's, and whether the shift in employment is larger than rounding.

- ``data``: lookups and tidy frames (size mix, the shift in employment shares, SME and sector shares);
- ``models``: the least-squares trend in each size class's share against rounding error;
- ``figures``: the Altair charts, titled from the numbers they draw;
- ``tables``: the tables for people (the EU definition, thesis against source, the rounding test).
"""
