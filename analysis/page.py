"""A page's first cell: the process boundary where a notebook learns which data package to read.

``data = page.start()`` switches charts to the offline renderer and returns the data package. The
executor tells a kernel where the data are (``THESIS_DATA_DIR``, for ``run --data``) and where to log
what it reads (``THESIS_READ_LOG``), and where charts already drawn for this build are kept
(``THESIS_DRAWINGS_DIR``); this is the one place inside a notebook that reads them. Every
function below the page takes its data explicitly.
"""

from __future__ import annotations

import os

from . import datasets, reads
from .common import render


def start() -> datasets.Package:
    render.enable(os.environ.get("THESIS_DRAWINGS_DIR"))
    reads.record_reads(os.environ.get("THESIS_READ_LOG"))
    return datasets.package(os.environ.get("THESIS_DATA_DIR"))
