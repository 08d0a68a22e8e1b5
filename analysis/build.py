"""Build the site: execute what is stale, assemble the sources, run Sphinx, check, publish.

The published site at ``_build/html`` is replaced only after a build and its checks succeed, so a
failed build leaves the last good site in place. Nothing under ``data/`` is ever written.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import execution, validate
from .execution import ROOT

import os

#: Everything generated lives here (override with THESIS_BUILD_DIR, e.g. for a scratch build).
BUILD = Path(os.environ.get("THESIS_BUILD_DIR") or ROOT / "_build").resolve()
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


def build(data_dir: Path | None = None, jobs: int | None = None, say=print, strict: bool = True,
          out: Path | None = None) -> Path:
    """Execute stale notebooks, build with warnings as errors, check, then publish atomically."""
    from . import datasets

    data_dir = Path(data_dir or datasets.data_dir()).resolve()
    out = Path(out or BUILD / "html")
    start = time.perf_counter()
    problems = validate.problems(data_dir)
    if problems:
        raise BuildError("the data package has errors:\n  " + "\n  ".join(problems))
    exec_dir = BUILD / "exec" if data_dir == datasets.DEFAULT_DATA_DIR.resolve() else BUILD / "exec-other-data"
    failed = [r for r in execution.run(exec_dir, data_dir, jobs=jobs, say=say) if r.status != "ok"]
    if failed:
        detail = "\n".join(f"--- {r.page}\n{r.error}" for r in failed)
        raise BuildError(f"{len(failed)} notebook(s) failed to execute:\n{detail}")
    _refuse_stale(exec_dir, data_dir)
    src = assemble(exec_dir, BUILD / "site-src")
    html = sphinx(src, BUILD / "work", data_dir, exec_dir, strict=strict, say=say)
    offenders = external_references(html)
    if offenders:
        raise BuildError("built pages load from another host:\n  " + "\n  ".join(offenders[:20]))
    publish(html, out)
    say(f"book: built {out} in {time.perf_counter() - start:.1f} s")
    return out


def _refuse_stale(exec_dir: Path, data_dir: Path) -> None:
    """No page may show figures from data other than what data/ holds now."""
    stale = [(nb, why) for nb in execution.notebooks(ROOT)
             if (why := execution.why_stale(nb, exec_dir, data_dir, ROOT))]
    if stale:
        lines = "\n  ".join(f"{execution.page_id(nb)}: {why}" for nb, why in stale)
        raise BuildError(f"refusing to publish pages whose inputs differ from the data:\n  {lines}")


def assemble(exec_dir: Path, dest: Path) -> Path:
    """A source tree for Sphinx: the book's files, with each notebook page replaced by its executed copy.

    Files are copied only when their content changed, so Sphinx's incremental build re-reads
    only the pages that changed.
    """
    wanted: dict[Path, Path] = {}
    notebooks = {nb.resolve() for nb in execution.notebooks(ROOT)}
    for path in sorted((ROOT / "book").rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = path.relative_to(ROOT)
        if path.resolve() in notebooks:
            page = execution.page_id(path)
            wanted[dest / rel.with_suffix(".ipynb")] = execution.executed_path(exec_dir, page)
        else:
            wanted[dest / rel] = path
    for name in ("_toc.yml", "references.bib"):
        if (ROOT / name).exists():
            wanted[dest / name] = ROOT / name
    for target, source in wanted.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or not filecmp.cmp(source, target, shallow=False):
            shutil.copyfile(source, target)
    _write_if_changed(dest / "_config.yml", _site_config())
    keep = set(wanted) | {dest / "_config.yml"}
    for path in sorted(dest.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return dest


def _site_config() -> str:
    """The root _config.yml, with execution handed to analysis.execution."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def sphinx(src: Path, work: Path, data_dir: Path, exec_dir: Path, strict: bool = True, say=print) -> Path:
    """Run Jupyter Book (Sphinx) on the assembled sources; return the HTML folder."""
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(src), "--path-output", str(work)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    say("sphinx: jupyter-book " + " ".join(cmd[1:]))
    # the site ships the data it was built from, and reports the runs that drew it
    env = dict(os.environ, THESIS_DATA_DIR=str(data_dir), THESIS_EXEC_DIR=str(exec_dir))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise BuildError(f"Jupyter Book failed (exit {proc.returncode}):\n{tail}")
    return work / "_build" / "html"


def external_references(html: Path) -> list[str]:
    """Pages or stylesheets that would make a reader's browser contact another host."""
    found = []
    for path in sorted(html.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = EXTERNAL if path.suffix == ".html" else CSS_EXTERNAL
        for match in pattern.finditer(text):
            found.append(f"{path.relative_to(html)}: {match.group(0)[:120]}")
    return found


def publish(html: Path, out: Path) -> None:
    """Swap the new site in with renames, so readers never see half a site."""
    staging, old = out.with_name(out.name + ".new"), out.with_name(out.name + ".old")
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(html, staging)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        shutil.rmtree(old)
