"""Execute the book's notebooks, re-running one only when its code or its data changed.

Jupyter Book's own cache hashes code cells only, so a changed CSV would leave a page stale. Here a
notebook's record holds the hash of its source, of the ``analysis`` package, and of every data file
it read (``datasets.load`` logs each read). A notebook re-runs when any of these differ.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import yaml
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
KEY_PACKAGES = ("jupyter-book", "pandas", "altair", "statsmodels", "papermill", "vl-convert-python")


# --- what the book holds -------------------------------------------------------------------

def toc_files(root: Path = ROOT) -> list[Path]:
    """Every page named in _toc.yml, in reading order, with its real suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for key in ("root", "parts", "chapters", "sections"):
                if key == "root":
                    if isinstance(node.get("root"), str):
                        names.append(node["root"])
                elif key in node:
                    for child in node[key]:
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
    """Hash of a recorded input: a file, or ``datapackage.json#resource`` for one resource's metadata."""
    from .datasets import descriptor_hash

    path, _, resource = name.partition("#")
    if not Path(path).exists():
        return None
    return descriptor_hash(Path(path).parent, resource) if resource else file_hash(Path(path))


def code_hash(root: Path = ROOT, notebook: Path | None = None) -> str:
    """The analysis modules a notebook uses (transitively) and the pinned environment.

    Without a notebook, every module counts. Editing trade.py therefore re-runs the trade page,
    not the firms page.
    """
    modules = sorted((root / "analysis").glob("*.py"))
    if notebook is not None:
        modules = [root / "analysis" / f"{m}.py" for m in sorted(_imported_modules(root, notebook))]
    digest = hashlib.sha256()
    for path in modules + [root / "requirements.txt"]:
        if path.exists():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


_IMPORT = re.compile(r"^[ \t]*from[ \t]+(?:analysis|\.)(?:\.(\w+))?[ \t]+import[ \t]+([\w \t,()]+)", re.M)


def _imported_modules(root: Path, notebook: Path) -> set[str]:
    """Names of analysis modules reachable from the notebook's ``from analysis import ...`` lines."""
    known = {p.stem for p in (root / "analysis").glob("*.py")}
    todo, seen = [notebook.read_text(encoding="utf-8")], {"__init__"}
    while todo:
        for sub, names in _IMPORT.findall(todo.pop()):
            candidates = [sub] if sub else [n.strip() for n in names.replace("(", "").replace(")", "").split(",")]
            for name in candidates:
                if name in known and name not in seen:
                    seen.add(name)
                    todo.append((root / "analysis" / f"{name}.py").read_text(encoding="utf-8"))
    return seen


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
        label = _short(Path(name.partition("#")[0]), root) + (f" ({name.partition('#')[2]} metadata)" if "#" in name else "")
        if current is None:
            return f"input removed: {label}"
        if current != digest:
            return f"input changed: {label}"
    return None


def _short(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def environment() -> dict[str, str]:
    env = {"python": platform.python_version(), "platform": platform.platform(terse=True)}
    for name in KEY_PACKAGES:
        try:
            env[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            env[name] = "not installed"
    return env


# --- running ------------------------------------------------------------------------------

def execute_one(nb: Path, out_dir: Path, data_dir: Path, root: Path = ROOT) -> Record:
    """Run one notebook with papermill; the record lists every data file it read."""
    import nbformat
    import papermill

    page = page_id(nb, root)
    out = executed_path(out_dir, page)
    out.parent.mkdir(parents=True, exist_ok=True)
    rec = Record(page=page, source_hash=file_hash(nb), code_hash=code_hash(root, nb), data_dir=str(data_dir),
                 environment=environment(), executed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    with tempfile.TemporaryDirectory() as tmp:
        src, log = Path(tmp) / "in.ipynb", Path(tmp) / "reads.log"
        nbformat.write(read_notebook(nb), src)
        os.environ.update(THESIS_READ_LOG=str(log), THESIS_DATA_DIR=str(data_dir))
        start = time.perf_counter()
        part = out.with_suffix(".part.ipynb")
        try:
            with _stderr_to(out.with_suffix(".log")):  # kernel chatter goes to a log beside the notebook
                papermill.execute_notebook(str(src), str(part), cwd=str(nb.parent), kernel_name="python3",
                                           progress_bar=False, log_output=False)
            os.replace(part, out)
            rec.status = "ok"
        except Exception as err:  # papermill raises its own error types; keep the message for the report
            rec.status, rec.error = "failed", _first_lines(err)
        rec.seconds = round(time.perf_counter() - start, 2)
        reads = sorted(set(log.read_text().split())) if log.exists() else []
    rec.inputs = {r: h for r in reads if (h := input_hash(r))}
    record_path(out_dir, page).write_text(json.dumps(asdict(rec), indent=1), encoding="utf-8")
    return rec


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
    lines = [ln for ln in str(err).splitlines() if ln.strip()]
    return "\n".join(lines[-limit:])


def run(out_dir: Path, data_dir: Path, root: Path = ROOT, only: list[str] | None = None,
        jobs: int | None = None, force: bool = False, say=print) -> list[Record]:
    """Execute what is stale (or everything with force), in parallel across the cores."""
    out_dir, data_dir = Path(out_dir).resolve(), Path(data_dir).resolve()
    todo = []
    for nb in notebooks(root):
        if only and not any(page_id(nb, root).endswith(o.removesuffix(".md")) for o in only):
            continue
        reason = "forced" if force else why_stale(nb, out_dir, data_dir, root)
        if reason:
            todo.append((nb, reason))
    if not todo:
        say("notebooks: all current, nothing to execute")
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    say(f"notebooks: executing {len(todo)} on {jobs} worker(s)")
    done: list[Record] = []
    # A live bar on a terminal; plain lines (kept by CI logs) otherwise.
    bar = tqdm(total=len(todo), unit="notebook", desc="executing", disable=not sys.stderr.isatty())
    with bar, ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(execute_one, nb, out_dir, data_dir, root): (nb, why) for nb, why in todo}
        for fut in as_completed(futures):
            rec = fut.result()
            done.append(rec)
            _, why = futures[fut]
            line = f"  [{len(done)}/{len(todo)}] {rec.status:6} {rec.seconds:5.1f} s  {rec.page}  ({why})"
            bar.write(line) if not bar.disable and say is print else say(line)
            bar.update(1)
    return done


def records(out_dir: Path, root: Path = ROOT) -> list[Record]:
    """The stored record of every notebook in the book, in reading order."""
    return [Record.load(record_path(Path(out_dir), page_id(nb, root))) or Record(page=page_id(nb, root))
            for nb in notebooks(root)]


if __name__ == "__main__":  # pragma: no cover - convenience for debugging one page
    print(json.dumps(asdict(execute_one(Path(sys.argv[1]).resolve(), ROOT / "_build/exec", ROOT / "data")), indent=1))
