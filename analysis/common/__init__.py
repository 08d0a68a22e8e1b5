"""What every theme uses, written once.

- ``lookup``: one value from a tidy frame, or a clear error (never a guess);
- ``lines``: gap-aware line runs, and the thesis's view beside today's (``then_and_now``);
- ``editions``: when each dataset's periods were published, the thesis's cutoff, the next edition;
- ``trends``: the log-linear growth trend with its interval and prediction band;
- ``words``: number words, ordinals, ranges, and glue for the pages' prose;
- ``style``, ``render``, ``tables``: the house style, the offline chart renderer, tables for people.
"""
