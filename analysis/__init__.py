"""The tested code behind the companion book: data loading, transforms, models and charts.

Pages call it; a page holds no logic that another page repeats. Modules are named by domain
(``firms``, ``trade``, ``alibaba``, ``risk``) plus the shared ``datasets``, ``charts``, ``tables``
and ``offline``; ``execution`` and ``build`` make the book.
"""

__version__ = "0.1.0"
