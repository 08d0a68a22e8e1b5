"""The tested code behind the companion book.

Data flow one way: CSV -> ``datasets`` (validated, with metadata) -> a theme's ``data`` (tidy frames,
lookups) -> ``models`` (fits with their uncertainty) -> ``figures`` / ``tables`` -> the page.
Themes: ``firms``, ``trade``, ``alibaba``, ``risk``; what they share is written once in ``common``.
``validate`` and ``checks`` guard the data; ``execution``, ``build``, ``sphinxext`` and ``cli`` make the book.
"""

from .version import version as _version

__version__ = _version()  # from CITATION.cff, the one place the version is kept
