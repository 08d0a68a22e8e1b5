"""The PDF edition: the whole book through Jupyter Book 1's LaTeX route (xelatex).

    python -m analysis.pdf [--data DIR] [--no-execute] [--check]      (make pdf)

1. Check the TeX tools and fonts (Debian packages; the message names what to install).
2. Execute the stale notebooks (the same data-aware runs as ``make book``).
3. Assemble a source tree under ``<build>/pdf-src`` from the executed copies, rewritten for print:
   every chart becomes a vector PDF drawn by vl-convert from its spec, in a numbered figure whose
   caption is the chart's title and subtitle (so it is in the list of figures, labelled ``fig-<name>``),
   followed by its note, source, data and code lines; every table becomes a MyST list-table with its
   caption (``tab-<name>``, in the list of tables), widths from its text, breaking across pages;
   code is left out; scripts meant for the browser are dropped.
4. Run ``jupyter-book build --builder pdflatex`` with xelatex: a title page with the book version,
   a table of contents, a list of figures, a list of tables; Chinese text set in Noto CJK (xeCJK).
5. Copy the PDF to ``<build>/pdf/`` and print its path, size and the time taken.

Nothing here changes the HTML build: the site's notebooks keep their SVG, PNG and spec outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import build, datasets, execution
from .printcopy import print_copy
from .execution import ROOT

#: Debian packages that provide each thing the LaTeX build needs (``.ci/run`` installs them).
COMMANDS = {"xelatex": "texlive-xetex", "latexmk": "latexmk", "makeindex": "texlive-binaries"}
STYLES = {"fontspec.sty": "texlive-latex-recommended", "polyglossia.sty": "texlive-latex-recommended",
          "fncychap.sty": "texlive-latex-extra", "tabulary.sty": "texlive-latex-extra",
          "titlesec.sty": "texlive-latex-extra", "capt-of.sty": "texlive-latex-extra",
          "xeCJK.sty": "texlive-lang-cjk"}
FONTS = {"FreeSerif": "fonts-freefont-otf", "FreeSans": "fonts-freefont-otf", "FreeMono": "fonts-freefont-otf",
         "Noto Serif CJK SC": "fonts-noto-cjk", "Noto Sans CJK SC": "fonts-noto-cjk"}
#: The PDF file's name inside the output folder.
PDF_NAME = "book.pdf"


class PdfError(RuntimeError):
    """A step of the PDF build failed; the message says which and why."""


# --- 1. tools -------------------------------------------------------------------------------------

def missing_packages() -> dict[str, list[str]]:
    """Debian package -> what is missing from it (commands, LaTeX styles, fonts)."""
    missing: dict[str, list[str]] = {}
    for cmd, pkg in COMMANDS.items():
        if not shutil.which(cmd):
            missing.setdefault(pkg, []).append(cmd)
    kpsewhich = shutil.which("kpsewhich")
    for sty, pkg in STYLES.items():
        found = kpsewhich and subprocess.run([kpsewhich, sty], capture_output=True, text=True).stdout.strip()
        if not found:
            missing.setdefault(pkg, []).append(sty)
    families = _font_families()
    for font, pkg in FONTS.items():
        if font not in families:
            missing.setdefault(pkg, []).append(f"font {font}")
    return missing


def _font_families() -> set[str]:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return set()
    out = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def check_tools() -> None:
    missing = missing_packages()
    if missing:
        detail = "; ".join(f"{pkg} ({', '.join(what)})" for pkg, what in sorted(missing.items()))
        raise PdfError(
            f"the PDF needs TeX Live and fonts that are not installed: {detail}.\n"
            f"  Debian/Ubuntu: sudo apt-get install --no-install-recommends {' '.join(sorted(missing))}\n"
            "  (.ci/run installs them; the full list is in the README, section 'The PDF edition')")


# --- 3. configuration --------------------------------------------------------------------------

#: Chinese in Noto CJK (simplified); quotation marks, dashes and ellipses stay with the Latin font
#: (xeCJK would otherwise set "Italy's" with a full-width apostrophe). The pages number their own
#: chapters ("1.1 The Italian economy"), so LaTeX adds no chapter numbers; tables in a smaller size,
#: ragged right (Sphinx's own \X column, redefined).
LATEX_PREAMBLE = r"""
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
\setCJKsansfont{Noto Sans CJK SC}
\setCJKmonofont{Noto Sans CJK SC}
\xeCJKDeclareCharClass{Default}{"2018, "2019, "201C, "201D, "2013, "2014, "2026, "00B7}
\setcounter{secnumdepth}{-1}
\setcounter{tocdepth}{1}
\makeatletter
\g@addto@macro\sphinxattablestart{\footnotesize\setlength{\tabcolsep}{3pt}}
\g@addto@macro\sphinxatlongtablestart{\footnotesize\setlength{\tabcolsep}{3pt}}
\newcolumntype{\X}[2]{>{\raggedright\arraybackslash}p{\dimexpr
      (\linewidth-\spx@arrayrulewidth)*#1/#2-\tw@\tabcolsep-\spx@arrayrulewidth\relax}}
\makeatother
"""


#: The running header: the title up to its colon (the whole title is on the title page), and the version.
RUNNING_HEADER = r"""
\makeatletter
\fancypagestyle{normal}{\fancyhf{}
  \fancyfoot[RO]{{\py@HeaderFamily\thepage}}
  \fancyfoot[LO]{{\py@HeaderFamily\nouppercase{\rightmark}}}
  \fancyhead[RO]{{\py@HeaderFamily SHORT\sphinxheadercomma\py@release}}
  \if@twoside
    \fancyfoot[LE]{{\py@HeaderFamily\thepage}}
    \fancyfoot[RE]{{\py@HeaderFamily\nouppercase{\leftmark}}}
    \fancyhead[LE]{{\py@HeaderFamily SHORT\sphinxheadercomma\py@release}}
  \fi
  \renewcommand{\headrulewidth}{0.4pt}\renewcommand{\footrulewidth}{0.4pt}}
\makeatother
"""


def latex_text(text: str) -> str:
    """Plain text, safe in LaTeX."""
    specials = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(specials.get(c, c) for c in text)


def pdf_config(config: dict, version: str) -> dict:
    """The site's configuration, changed for the LaTeX route."""
    config = dict(config)
    short = latex_text(str(config.get("title") or "").split(":")[0].strip())
    config["latex"] = {"latex_engine": "xelatex", "use_jupyterbook_latex": False,
                       "latex_documents": {"targetname": "book.tex"}}
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx.update({
        "version": version, "release": version,
        "nb_render_markdown_format": "myst",
        "latex_use_xindy": False,
        "latex_show_urls": "no",
        "numfig_secnum_depth": 0,
        "latex_elements": {
            "papersize": "a4paper",
            "releasename": "Version",
            "preamble": LATEX_PREAMBLE + (RUNNING_HEADER.replace("SHORT", short) if short else ""),
            "extraclassoptions": "openany",
            # Sphinx names the contents after the first part of _toc.yml; call them what they are
            "tableofcontents": "\\renewcommand{\\contentsname}{Contents}\n"
                               "\\sphinxtableofcontents\n\\listoffigures\n\\listoftables\n",
            "figure_align": "H",
        },
    })
    return config


# --- the build ----------------------------------------------------------------------------------

def build_pdf(build_dir: Path, data_dir: Path | None = None, root: Path = ROOT, execute: bool = True,
              say=print) -> Path:
    """Write the PDF; return its path. Raises PdfError (or build.BuildError) on failure."""
    from .version import version

    start = time.perf_counter()
    check_tools()
    data_dir = datasets.data_dir(data_dir)
    exec_dir = build.exec_dir_for(build_dir, data_dir)
    if execute:
        ran = execution.run(exec_dir, data_dir, root=root, say=say)
        failed = [r for r in ran if r.status != "ok"]
        if failed:
            raise PdfError(f"{len(failed)} notebook(s) failed to execute: " + ", ".join(r.page for r in failed))
    src = build.assemble(exec_dir, build_dir / "pdf-src", root, {
        "thesis_data_dir": str(data_dir), "thesis_exec_dir": str(exec_dir),
        "thesis_build_dir": str(build_dir), "thesis_root": str(root)})
    _rewrite_notebooks(src)
    dropped = drop_html_only_pages(src)
    if dropped:
        say("pdf: left out (site-only pages): " + ", ".join(dropped))
    config = yaml.safe_load((src / "_config.yml").read_text(encoding="utf-8"))
    (src / "_config.yml").write_text(yaml.safe_dump(pdf_config(config, version()), sort_keys=False,
                                                    allow_unicode=True), encoding="utf-8")
    work = build_dir / "pdf-work"
    latex = work / "_build" / "latex"
    if latex.exists():
        shutil.rmtree(latex)
    _jupyter_book_pdf(src, work, say)
    made = latex / PDF_NAME
    if not made.exists():
        raise PdfError(f"LaTeX finished but wrote no {made}; see {latex}/book.log")
    out = build_dir / "pdf" / PDF_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(made, out)
    say(f"pdf: wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s")
    return out


#: Directives whose output exists only on the site (the PDF has its own lists of figures and tables).
HTML_ONLY = re.compile(r"^[`:]{3,}\{(figure-list|execution-statistics)\}", re.M)


def drop_html_only_pages(src: Path) -> list[str]:
    """Leave out of the PDF the pages made of a site-only directive; return their names."""
    dropped = []
    for page in sorted(src.rglob("*.md")):
        if HTML_ONLY.search(page.read_text(encoding="utf-8")):
            dropped.append(page.relative_to(src).with_suffix("").as_posix())
            page.unlink()
    if dropped:
        toc_path = src / "_toc.yml"
        toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
        toc_path.write_text(yaml.safe_dump(_without(toc, set(dropped)), sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
    return dropped


def _without(node, names: set[str]):
    if isinstance(node, list):
        kept = [_without(child, names) for child in node
                if not (isinstance(child, dict) and child.get("file") in names)]
        return [child for child in kept if not (isinstance(child, dict) and child.get("chapters") == [])]
    if isinstance(node, dict):
        return {key: _without(value, names) for key, value in node.items()}
    return node


def _rewrite_notebooks(src: Path) -> None:
    charts = src / "_charts"
    if charts.exists():
        shutil.rmtree(charts)
    for path in sorted(src.rglob("*.ipynb")):
        rel_dir = "/_charts"
        nb = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(print_copy(nb, charts, rel_dir), ensure_ascii=False), encoding="utf-8")


def _jupyter_book_pdf(src: Path, work: Path, say) -> None:
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(src), "--path-output", str(work),
           "--builder", "pdflatex", "-n", "--keep-going"]
    say("pdf: jupyter-book " + " ".join(cmd[1:]))
    env = dict(os.environ, LATEXMKOPTS="-silent -interaction=nonstopmode -halt-on-error")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    log = work / "pdf-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise PdfError(f"Jupyter Book's LaTeX build failed (exit {proc.returncode}; full log {log}):\n{tail}")
    warnings = [line for line in (proc.stdout + proc.stderr).splitlines() if "WARNING" in line]
    if warnings:
        say(f"pdf: {len(warnings)} warning(s) from Sphinx (full log {log}):\n  " + "\n  ".join(warnings[:10]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.pdf", description="Write the PDF edition of the book.")
    p.add_argument("--data", type=Path, help="build from another copy of the data package")
    p.add_argument("--no-execute", action="store_true",
                   help="use the executed notebooks already under the build folder, even if stale")
    p.add_argument("--check", action="store_true", help="only check that the TeX tools and fonts are installed")
    args = p.parse_args(argv)
    build_dir = Path(os.environ.get("THESIS_BUILD_DIR") or build.DEFAULT_BUILD_DIR).resolve()
    try:
        check_tools()
        if args.check:
            print("pdf: TeX Live, latexmk and the fonts are installed")
            return 0
        build_pdf(build_dir, args.data, execute=not args.no_execute)
    except (PdfError, build.BuildError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
