"""Risks and risk management (chapter 3): the Allianz Risk Barometer and the thesis's concept figures.

- ``data``: one edition's ranking, ranks and shares, gaps, pairs of editions, the concept tables' rows;
- ``models``: Kendall's tau-b between consecutive editions, its exact p-value and bootstrap interval;
- ``figures``: the Altair charts; ``tables``: the tables for people; ``labels``: names and short labels.

The Allianz files (``allianz_italy``, ``allianz_global``) hold one row per top-10 slot and edition.
A verified rank may have no published share (empty ``value``), and a slot whose risk was not found
is a ``(unknown)`` row with status ``not_found``. Nothing here fills either gap.
"""
