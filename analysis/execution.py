"""Execute the book's notebooks, re-running one only when its code or its data changed.

Jupyter Book's own cache hashes code cells only, so a changed CSV would leave a page stale. Here a
notebook's record holds the hash of its source, of the ``analysis`` modules it imports, and of every
data file it read (``datasets.load`` logs each read). A notebook re-runs when any of these differ.

Kernels talk to the executor over IPC (Unix sockets in a private folder), so two kernels starting at
the same moment never race for TCP ports; a kernel that still fails to start is started again.
The longest notebooks (by their last recorded run time) are started first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import yaml
from tqdm import tqdm

from . import reads
from .dependencies import code_hash, code_of

ROOT = Path(__file__).resolve().parent.parent
KEY_PACKAGES = ("jupyter-book", "pandas", "altair", "statsmodels", "papermill", "vl-convert-python")
#: A kernel that fails to start is tried again, up to this many starts in all.
KERNEL_STARTS = 3
#: The folder of the executions folder where chart drawings are kept between runs (render.drawings).
DRAWINGS = "drawings"


# --- what the book holds -------------------------------------------------------------------

def toc_files(root: Path = ROOT) -> list[Path]:
    """Every page named in _toc.yml, in reading order, with its real suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    names.append(node[key])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [_resolve(root, name) for name in names]


def _resolve(root: Path, name: str) -> Path:
    base = root / name
    if base.suffix in (".md", ".ipynb") and base.exists():
        return base
    for suffix in (".md", ".ipynb"):
        if base.with_suffix(suffix).exists():
            return base.with_suffix(suffix)
    raise FileNotFoundError(f"_toc.yml names '{name}', but no {name}.md or {name}.ipynb exists")


def is_notebook(path: Path) -> bool:
    """A page is executable when it is an .ipynb or a MyST notebook (front matter with a kernel)."""
    if path.suffix == ".ipynb":
        return True
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    front = text.split("---", 2)[1]
    return "kernelspec" in front


def notebooks(root: Path = ROOT) -> list[Path]:
    return [p for p in toc_files(root) if is_notebook(p)]


def read_notebook(path: Path):
    """An nbformat notebook from an .ipynb or a MyST Markdown notebook."""
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return nbformat.reads(text, as_version=4)
    return read_myst_markdown_notebook(text, path=str(path))


# --- fingerprints ---------------------------------------------------------------------------

def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_hash(name: str) -> str | None:
    """Hash of a recorded input: a file, ``datapackage.json#resource`` for one resource's metadata,
    ``datapackage.json#resource@key`` for one row of it (the sources a page cites), or
    ``datapackage.json#resource?{query}`` for the part of a table a page asked for (see analysis.reads)."""
    path, resource, row, query = reads.parse(name)
    if not Path(path).exists():
        return None
    if row:
        return reads.row_hash(Path(path).parent, resource, row)
    if query is not None:
        return reads.query_hash(Path(path).parent, resource, query)
    return reads.descriptor_hash(Path(path).parent, resource) if resource else file_hash(Path(path))


@dataclass
class Record:
    """What one execution of one notebook used and produced."""
    page: str
    status: str = "never run"
    source_hash: str = ""
    code_hash: str = ""
    data_dir: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    executed_at: str = ""
    error: str = ""
    environment: dict[str, str] = field(default_factory=dict)
    kernel_retries: list[str] = field(default_factory=list)  # why each failed kernel start failed

    @classmethod
    def load(cls, path: Path) -> "Record | None":
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None


def page_id(path: Path, root: Path = ROOT) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


def record_path(out_dir: Path, page: str) -> Path:
    return out_dir / f"{page}.json"


def executed_path(out_dir: Path, page: str) -> Path:
    return out_dir / f"{page}.ipynb"


def history_path(out_dir: Path) -> Path:
    """One JSON line per execution, appended: which notebook ran, when, how long, how it ended."""
    return Path(out_dir) / "history.jsonl"


def history(out_dir: Path) -> list[dict]:
    path = history_path(out_dir)
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def why_stale(nb: Path, out_dir: Path, data_dir: Path, root: Path = ROOT) -> str | None:
    """None when the stored execution is current, else the reason to re-run."""
    page = page_id(nb, root)
    rec = Record.load(record_path(out_dir, page))
    if rec is None or not executed_path(out_dir, page).exists():
        return "never executed"
    if rec.status != "ok":
        return "last run failed"
    if rec.source_hash != file_hash(nb):
        return "notebook changed"
    if rec.code_hash != code_hash(root, nb):
        return "analysis code or requirements changed"
    if rec.data_dir != str(data_dir):
        return f"data folder changed (was {rec.data_dir})"
    for name, digest in rec.inputs.items():
        current = input_hash(name)
        label = reads.label(name, root)
        if current is None:
            return f"input removed: {label}"
        if current != digest:
            return f"input changed: {label}"
    return None


def environment() -> dict[str, str]:
    env = {"python": platform.python_version(), "platform": platform.platform(terse=True)}
    for name in KEY_PACKAGES:
        try:
            env[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            env[name] = "not installed"
    return env


# --- kernels ------------------------------------------------------------------------------

def ipc_kernel_manager(folder: Path) -> type:
    """A kernel manager whose kernels listen on Unix sockets in ``folder``: no TCP port to race for."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("connection_file")
        def _default_connection_file(self) -> str:  # a fresh name per start; sockets are <name>-ipc-N
            return str(Path(folder) / f"kernel-{uuid.uuid4().hex[:8]}.json")

    return IPCKernelManager


@contextlib.contextmanager
def _environ(**values: str):
    """Set environment variables for the kernels started inside, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


# --- running ------------------------------------------------------------------------------

def execute_one(nb: Path, out_dir: Path, data_dir: Path, root: Path = ROOT, kernel_manager=None) -> Record:
    """Run one notebook with papermill; the record lists every data file it read.

    The kernel learns where the data are and where to log its reads from its environment (the
    process boundary ``analysis.page.start`` reads). ``kernel_manager(folder)`` makes the kernel
    manager class (default: :func:`ipc_kernel_manager`).
    """
    import nbformat

    page = page_id(nb, root)
    out = executed_path(out_dir, page)
    out.parent.mkdir(parents=True, exist_ok=True)
    rec = Record(page=page, source_hash=file_hash(nb), code_hash=code_hash(root, nb), data_dir=str(data_dir),
                 environment=environment(), executed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    with tempfile.TemporaryDirectory(prefix="thesis-") as tmp:
        src, log = Path(tmp) / "in.ipynb", Path(tmp) / "reads.log"
        nbformat.write(read_notebook(nb), src)
        start = time.perf_counter()
        with _environ(THESIS_READ_LOG=str(log), THESIS_DATA_DIR=str(data_dir), THESIS_DRAWINGS_DIR=str(out_dir / DRAWINGS)), \
                _stderr_to(out.with_suffix(".log")):
            _execute_with_retries(src, out, nb.parent, (kernel_manager or ipc_kernel_manager)(Path(tmp)), rec)
        rec.seconds = round(time.perf_counter() - start, 2)
        logged = sorted(set(log.read_text(encoding="utf-8").splitlines())) if log.exists() else []
    rec.inputs = {r: h for r in logged if (h := input_hash(r))}
    record_path(out_dir, page).write_text(json.dumps(asdict(rec), indent=1), encoding="utf-8")
    return rec


def _execute_with_retries(src: Path, out: Path, cwd: Path, manager: type, rec: Record) -> None:
    """Execute, starting the kernel again (up to KERNEL_STARTS in all) when it fails to start.

    A failure after the kernel answered (an error in a cell) is the notebook's own and is not retried.
    """
    import papermill

    part = out.with_suffix(".part.ipynb")
    for attempt in range(1, KERNEL_STARTS + 1):
        started: list[bool] = []
        try:
            papermill.execute_notebook(str(src), str(part), cwd=str(cwd), kernel_name="python3",
                                       progress_bar=False, log_output=False, kernel_manager_class=manager,
                                       on_notebook_start=lambda **_: started.append(True))
            os.replace(part, out)
            rec.status = "ok"
            return
        except Exception as err:  # papermill and jupyter_client raise many types; keep the message
            if started or attempt == KERNEL_STARTS:
                rec.status, rec.error = "failed", _first_lines(err)
                return
            rec.kernel_retries.append(_first_lines(err, 1))


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send this process's stderr (and the kernel's, which inherits it) to a file for the duration."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _first_lines(err: Exception, limit: int = 12) -> str:
    lines = [ln for ln in str(err).splitlines() if ln.strip()] or [type(err).__name__]
    return "\n".join(lines[-limit:])


def last_seconds(page: str, dirs: list[Path]) -> float | None:
    """The run time of the page's most recent recorded execution in the first folder that has one."""
    for folder in dirs:
        rec = Record.load(record_path(Path(folder), page))
        if rec and rec.seconds:
            return rec.seconds
    return None


def longest_first(pages: list[str], seconds: dict[str, float | None],
                  code_size: dict[str, int] | None = None) -> list[str]:
    """Pages never timed first, the most code first (a clean build's only clue to their length: on a
    fresh clone the longest page otherwise started last and ran alone at the end); then the others by
    their last time, longest first."""
    size = code_size or {}
    return sorted(pages, key=lambda p: (seconds.get(p) is not None, -(seconds.get(p) or 0.0), -size.get(p, 0)))


def progress_lines(rec: Record, done: int, total: int, why: str) -> list[str]:
    """What the build prints when a notebook finishes, including every kernel start it retried."""
    lines = [f"  kernel for {rec.page} did not start ({reason}); starting it again "
             f"(attempt {i + 2} of {KERNEL_STARTS})" for i, reason in enumerate(rec.kernel_retries)]
    return lines + [f"  [{done}/{total}] {rec.status:6} {rec.seconds:5.1f} s  {rec.page}  ({why})"]


def run(out_dir: Path, data_dir: Path, root: Path = ROOT, only: list[str] | None = None,
        jobs: int | None = None, force: bool = False, say=print, timings_from: list[Path] = ()) -> list[Record]:
    """Execute what is stale (or everything with force), in parallel, longest notebooks first.

    A notebook's expected time is its last recorded time in ``out_dir``, else in ``timings_from``.
    """
    out_dir, data_dir = Path(out_dir).resolve(), Path(data_dir).resolve()
    stale = {}
    for nb in notebooks(root):
        page = page_id(nb, root)
        if only and not any(page.endswith(o.removesuffix(".md")) for o in only):
            continue
        reason = "forced" if force else why_stale(nb, out_dir, data_dir, root)
        if reason:
            stale[page] = (nb, reason)
    if not stale:
        say("notebooks: all current, nothing to execute")
        return []
    known = {p: last_seconds(p, [out_dir, *timings_from]) for p in stale}
    order = longest_first(list(stale), known, {p: len(code_of(nb)) for p, (nb, _) in stale.items()})
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(order)))
    say(f"notebooks: executing {len(order)} on {jobs} worker(s), longest first")
    return _execute_all([stale[p] for p in order], out_dir, data_dir, root, jobs, say)


def _execute_all(todo, out_dir: Path, data_dir: Path, root: Path, jobs: int, say) -> list[Record]:
    done: list[Record] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    # spawn: a fresh worker never inherits the threads or open sockets of the caller
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
    # A live bar on a terminal; plain lines (kept by CI logs) otherwise.
    bar = tqdm(total=len(todo), unit="notebook", desc="executing", disable=not sys.stderr.isatty())
    with pool, bar, history_path(out_dir).open("a", encoding="utf-8") as log:
        futures = {pool.submit(execute_one, nb, out_dir, data_dir, root): why for nb, why in todo}
        for fut in as_completed(futures):
            rec = fut.result()
            done.append(rec)
            log.write(json.dumps({k: getattr(rec, k) for k in ("page", "status", "seconds", "executed_at",
                                                                 "kernel_retries")}) + "\n")
            log.flush()
            for line in progress_lines(rec, len(done), len(todo), futures[fut]):
                bar.write(line) if not bar.disable and say is print else say(line)
            bar.update(1)
    return done


def records(out_dir: Path, root: Path = ROOT) -> list[Record]:
    """The stored record of every notebook in the book, in reading order."""
    return [Record.load(record_path(Path(out_dir), page_id(nb, root))) or Record(page=page_id(nb, root))
            for nb in notebooks(root)]


if __name__ == "__main__":  # pragma: no cover - convenience for debugging one page
    print(json.dumps(asdict(execute_one(Path(sys.argv[1]).resolve(), ROOT / "_build/exec", ROOT / "data")), indent=1))
