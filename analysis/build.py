"""Build the site: execute what is stale, assemble the sources, run Sphinx, check, publish.

The published site (``<build dir>/html`` unless told otherwise) is replaced only after a build and
its checks succeed, so a failed build leaves the last good site in place. Nothing under the data
folder is ever written. The build folder is passed in (the CLI reads ``THESIS_BUILD_DIR``); the
Sphinx extension learns the data, executions and build folders from the generated ``_config.yml``.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import datasets, execution, validate
from .execution import ROOT

#: Where everything generated lives when the caller names no other folder.
DEFAULT_BUILD_DIR = ROOT / "_build"
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


def exec_dir_for(build_dir: Path, data_dir: Path) -> Path:
    """Executed notebooks for the book's own data go to ``exec``; other data get a folder of their own."""
    data_dir = Path(data_dir).resolve()
    if data_dir == datasets.DEFAULT_DATA_DIR.resolve():
        return Path(build_dir) / "exec"
    return Path(build_dir) / "runs" / hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]


def build(data_dir: Path | None = None, jobs: int | None = None, say=print, strict: bool = True,
          out: Path | None = None, build_dir: Path | None = None, root: Path = ROOT,
          timings_from: list[Path] = (), on_executed=None) -> Path:
    """Execute stale notebooks, build with warnings as errors, check, then publish atomically.

    ``root`` holds the book (``_toc.yml``, ``_config.yml``, ``book/``); ``timings_from`` are other
    executions folders whose run times order the queue when this one has none; ``on_executed(exec_dir)``
    is called once every notebook is current, before Sphinx (work that needs only the executions can
    start beside it).
    """
    data_dir = datasets.data_dir(data_dir)
    build_dir = Path(build_dir or DEFAULT_BUILD_DIR).resolve()
    out = Path(out or build_dir / "html")
    start = time.perf_counter()
    problems = validate.problems(data_dir)
    if problems:
        raise BuildError("the data package has errors:\n  " + "\n  ".join(problems))
    exec_dir = exec_dir_for(build_dir, data_dir)
    ran = execution.run(exec_dir, data_dir, root=root, jobs=jobs, say=say, timings_from=list(timings_from))
    failed = [r for r in ran if r.status != "ok"]
    if failed:
        detail = "\n".join(f"--- {r.page}\n{r.error}" for r in failed)
        raise BuildError(f"{len(failed)} notebook(s) failed to execute:\n{detail}")
    _refuse_stale(exec_dir, data_dir, root)
    if on_executed:
        on_executed(exec_dir)
    settings = {"thesis_data_dir": str(data_dir), "thesis_exec_dir": str(exec_dir),
                "thesis_build_dir": str(build_dir), "thesis_root": str(root)}
    src = assemble(exec_dir, build_dir / "site-src", root, settings)
    stamp, stamp_file = site_stamp(src, root, data_dir), build_dir / "site.stamp"
    if not ran and (out / "index.html").exists() and _read(stamp_file) == f"{out.resolve()}\n{stamp}":
        say(f"book: nothing changed; the site at {out} is current ({time.perf_counter() - start:.1f} s)")
        return out
    html = sphinx(src, build_dir / "work", strict=strict, say=say)
    offenders = external_references(html)
    if offenders:
        raise BuildError("built pages load from another host:\n  " + "\n  ".join(offenders[:20]))
    publish(html, out)
    stamp_file.write_text(f"{out.resolve()}\n{stamp}", encoding="utf-8")
    say(f"book: built {out} in {time.perf_counter() - start:.1f} s")
    return out


def site_stamp(src: Path, root: Path, data_dir: Path) -> str:
    """A fingerprint of everything the site is made from: the assembled pages, the code that writes
    them (the Sphinx extensions live in analysis/ and book/_ext), the data copied into the site, the
    version, the pins and the site's address. Equal fingerprints: Sphinx would write the same site."""
    digest = hashlib.sha256(os.environ.get("THESIS_SITE_URL", "").encode())
    for base, pattern in ((src, "**/*"), (root / "analysis", "**/*.py"), (Path(data_dir), "**/*")):
        for path in sorted(Path(base).glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("CITATION.cff", "requirements.txt"):
        digest.update((root / name).read_bytes() if (root / name).exists() else b"")
    return digest.hexdigest()


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _refuse_stale(exec_dir: Path, data_dir: Path, root: Path = ROOT) -> None:
    """No page may show figures from data other than what the data folder holds now."""
    stale = [(nb, why) for nb in execution.notebooks(root)
             if (why := execution.why_stale(nb, exec_dir, data_dir, root))]
    if stale:
        lines = "\n  ".join(f"{execution.page_id(nb, root)}: {why}" for nb, why in stale)
        raise BuildError(f"refusing to publish pages whose inputs differ from the data:\n  {lines}")


def assemble(exec_dir: Path, dest: Path, root: Path = ROOT, settings: dict | None = None) -> Path:
    """A source tree for Sphinx: the book's files, with each notebook page replaced by its executed copy.

    Files are copied only when their content changed, so Sphinx's incremental build re-reads
    only the pages that changed. ``settings`` become Sphinx config values for ``analysis.sphinxext``.
    """
    wanted: dict[Path, Path] = {}
    notebooks = {nb.resolve() for nb in execution.notebooks(root)}
    for path in sorted((root / "book").rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = path.relative_to(root)
        if path.resolve() in notebooks:
            wanted[dest / rel.with_suffix(".ipynb")] = execution.executed_path(exec_dir, execution.page_id(path, root))
        else:
            wanted[dest / rel] = path
    for name in ("_toc.yml", "references.bib"):
        if (root / name).exists():
            wanted[dest / name] = root / name
    for target, source in wanted.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or not filecmp.cmp(source, target, shallow=False):
            shutil.copyfile(source, target)
    _write_if_changed(dest / "_config.yml", _site_config(root, settings or {}))
    keep = set(wanted) | {dest / "_config.yml"}
    for path in sorted(dest.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return dest


def _site_config(root: Path, settings: dict) -> str:
    """The book's _config.yml, with execution handed to analysis.execution and the build's folders."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config.setdefault("sphinx", {}).setdefault("config", {}).update(settings)
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def sphinx(src: Path, work: Path, strict: bool = True, say=print) -> Path:
    """Run Jupyter Book (Sphinx) on the assembled sources; return the HTML folder."""
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(src), "--path-output", str(work)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    say("sphinx: jupyter-book " + " ".join(cmd[1:]))
    proc = subprocess.run(cmd, capture_output=True, text=True)
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
