"""``make release``: a versioned, checksummed copy of the built site and its data, ready for an archive.

Writes into ``dist/``:

- ``<book>-<version>-site.zip``: the built site in one folder, which works opened from disk or served;
- ``<data package>-<data version>.zip``: the whole data package (the same file the site offers);
- ``manifest.json``: book version, commit, build date, data package version, and each archive's
  file count and bytes;
- ``SHA256SUMS``: ``sha256sum -c SHA256SUMS`` checks every file above;
- ``.zenodo.json``: metadata for a DOI when a release of the repository is archived.

Archives hold fixed file dates, so their bytes depend only on what they contain.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from . import cite, datasets, sitecite

ROOT = Path(__file__).resolve().parent.parent
SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
ZENODO = ".zenodo.json"


class ReleaseError(RuntimeError):
    """The site or the release folder is not fit to publish; the message says why."""


def slug(title: str) -> str:
    """'alibaba-com-and-made-in-italy-smes' from the book's title (the part before the colon)."""
    return re.sub(r"[^a-z0-9]+", "-", title.split(":")[0].lower()).strip("-")


def commit(root: Path = ROOT) -> dict:
    """The commit the release was made from, and whether the working tree had changes."""
    def git(*args):
        try:
            return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    sha = git("rev-parse", "HEAD")
    return {"commit": sha or "unknown", "dirty": bool(git("status", "--porcelain")) if sha else None}


def site_archive(site: Path, path: Path, folder: str, day: dt.date) -> dict:
    """Zip the site under one top folder; return its file count and bytes."""
    if not (Path(site) / "index.html").exists():
        raise ReleaseError(f"{site} has no index.html: build the book first (make book)")
    files = sorted(p for p in Path(site).rglob("*") if p.is_file())
    contents = {f"{folder}/{p.relative_to(site).as_posix()}": p.read_bytes() for p in files}
    sitecite._write_zip(path, contents, day)
    return archive_facts(path)


def archive_facts(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
    return {"file": path.name, "files": len(infos), "bytes": sum(i.file_size for i in infos),
            "archive_bytes": path.stat().st_size, "sha256": sha256(path)}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def zenodo(meta: cite.Book, abstract: str) -> dict:
    """Metadata Zenodo reads from a repository release (``.zenodo.json``)."""
    return {
        "title": meta.title,
        "version": meta.version,
        "publication_date": meta.released.isoformat(),
        "upload_type": "publication",
        "publication_type": "book",
        "description": abstract or meta.title,
        "creators": [{"name": name} for name in meta.authors],
        "access_right": "open",
        "license": "cc-by-4.0",
        "notes": cite.licence_statement(meta),
        "keywords": list(cite.cff().get("keywords", [])),
    }


def release(site: Path, out: Path, data_dir: Path | None = None, root: Path = ROOT,
            now: dt.datetime | None = None) -> dict:
    """Write the release into ``out`` (emptied first) and return its manifest."""
    meta = cite.book()
    data_dir = datasets.data_dir(data_dir)
    package = datasets.package(data_dir).descriptor
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    name = f"{slug(meta.title)}-{meta.version}"
    site_facts = site_archive(Path(site), out / f"{name}-site.zip", name, meta.released)
    data_path = out / f"{package.get('name', 'data')}-{package.get('version', '')}.zip"
    sitecite.write_data_package(data_dir, data_path, meta.released)
    manifest = {
        "book": {"title": meta.title, "version": meta.version, "released": meta.released.isoformat()},
        **commit(root),
        "build_date": now.isoformat(),
        "data_package": {"name": package.get("name"), "version": package.get("version")},
        "licence": cite.licence_statement(meta),
        "licenses": list(meta.licences),
        "archives": {"site": site_facts, "data": archive_facts(data_path)},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    abstract = str(cite.cff().get("abstract", ""))
    (out / ZENODO).write_text(json.dumps(zenodo(meta, abstract), indent=2) + "\n", encoding="utf-8")
    listed = [site_facts["file"], data_path.name, MANIFEST, ZENODO]
    (out / SUMS).write_text("".join(f"{sha256(out / f)}  {f}\n" for f in listed), encoding="utf-8")
    return manifest


def verify(out: Path) -> list[str]:
    """Problems with a release folder: a file missing or whose checksum differs from SHA256SUMS."""
    out = Path(out)
    if not (out / SUMS).exists():
        return [f"{out / SUMS} is missing"]
    problems = []
    for line in (out / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = out / name
        if not path.exists():
            problems.append(f"{name}: listed in {SUMS} but missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: checksum differs from {SUMS}")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8")) if (out / MANIFEST).exists() else {}
    for facts in manifest.get("archives", {}).values():
        path = out / facts["file"]
        if path.exists() and archive_facts(path)["files"] != facts["files"]:
            problems.append(f"{facts['file']}: file count differs from {MANIFEST}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.release", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="the release folder (replaced)")
    parser.add_argument("--data", type=Path, default=None, help="the data package (default: data/)")
    args = parser.parse_args(argv)
    try:
        manifest = release(args.site, args.out, args.data)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    problems = verify(args.out)
    if problems:
        print("error: the release does not verify:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(json.dumps(manifest, indent=2))
    print(f"release: {args.out} written and verified ({SUMS})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
