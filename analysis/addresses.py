"""Addresses that never break: every published page and every figure and table anchor, committed.

``book/addresses.txt`` lists each address a reader may have cited (``book/ch2-alibaba/2-1-alibaba-group.html``,
``...html#fig-alibaba-revenue``). When a build no longer has one, a redirect for it must be declared
in ``book/redirects.txt`` (``old -> new``, paths from the site's root, with or without an anchor):

- an old page that is gone gets a small page at its address that sends the reader on (to the
  anchor the old address had, when one is declared for it);
- an old anchor on a page that still exists gets an element with that id, linking to the new place
  (the site's cite.js follows it at once).

``python -m analysis.addresses update [SITE]`` rewrites the list from a built site (new addresses are
added, none is ever dropped); ``check`` prints what a build dropped without a redirect.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "book" / "addresses.txt"
REDIRECTS = ROOT / "book" / "redirects.txt"
#: Folders of the site that hold no page a reader would cite.
NOT_PAGES = {"_static", "_sources", "_images", "_downloads"}
#: Anchors a reader may cite: figures and tables.
CITABLE = re.compile(r"^(fig|tab)-[a-z0-9-]+$")
HEADER = ("# Every published page address and figure/table anchor of the book (paths from the site's root).\n"
          "# A build that drops one fails tests/test_addresses.py unless book/redirects.txt sends it on.\n"
          "# Add new ones with: python -m analysis.addresses update _build/html\n")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refresh = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.refresh = (attrs.get("content") or "").split("url=", 1)[-1].strip()


def ids_in(text: str) -> set[str]:
    return ids_in_page(text).ids


def ids(page: Path) -> _Ids:
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return parser


def published(site: Path) -> list[str]:
    """Every page of a built site, and every figure and table anchor on it."""
    found = []
    for page in sorted(Path(site).rglob("*.html")):
        rel = page.relative_to(site)
        if NOT_PAGES & set(rel.parts):
            continue
        found.append(rel.as_posix())
        found += [f"{rel.as_posix()}#{a}" for a in sorted(ids(page).ids) if CITABLE.match(a)]
    return found


def read_list(path: Path = LIST) -> list[str]:
    if not Path(path).exists():
        return []
    return [ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def read_redirects(path: Path = REDIRECTS) -> dict[str, str]:
    out = {}
    if not Path(path).exists():
        return out
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        old, sep, new = (part.strip() for part in line.partition("->"))
        if not sep or not old or not new:
            raise ValueError(f"{path}, line {n}: expected 'old -> new', got {line!r}")
        out[old] = new
    return out


def resolves(site: Path, address: str) -> bool:
    """The page exists and, when the address has an anchor, the page has an element with that id."""
    path, _, anchor = address.partition("#")
    page = Path(site) / path
    return page.is_file() and (not anchor or anchor in ids(page).ids)


def landing(site: Path, address: str) -> str | None:
    """Where a reader who opens ``address`` in the built site ends up (None: nowhere).

    A stub's refresh (or its link for the anchor), or a moved-anchor element's link, is followed once;
    an address that resolves as it is lands on itself.
    """
    path, _, anchor = address.partition("#")
    page = Path(site) / path
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8", errors="replace")
    moved = re.search(rf'id="{re.escape(anchor)}"[^>]*>(?:(?!</).)*?<a href="([^"]*)"', text,
                      re.S) if anchor else None
    parsed = ids_in_page(text)
    renamed = re.search(rf'id="{re.escape(anchor)}" class="thesis-old-anchor" data-now="([^"]+)"', text) if anchor else None
    if renamed:
        return f"{path}#{html.unescape(renamed.group(1))}"
    if moved and ('class="thesis-moved"' in moved.group(0) or parsed.refresh):
        return _join(path, html.unescape(moved.group(1)))
    if parsed.refresh:
        target = html.unescape(parsed.refresh)
        return _join(path, target if "#" in target or not anchor else f"{target}#{anchor}")
    return address if resolves(site, address) else None


def _join(from_page: str, href: str) -> str:
    target, _, anchor = href.partition("#")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_page), target)) if target else from_page
    return joined + ("#" + anchor if anchor else "")


def ids_in_page(text: str) -> _Ids:
    parser = _Ids()
    parser.feed(text)
    return parser


def dropped(site: Path, listed: list[str], redirects: dict[str, str]) -> list[str]:
    """Problems: listed addresses the site no longer has and no redirect sends on; redirects that lead nowhere."""
    problems = []
    for address in listed:
        if resolves(site, address):
            continue
        target = redirects.get(address) or _page_redirect(address, redirects)
        if not target:
            problems.append(f"{address}: gone, and no redirect declared in book/redirects.txt")
        elif address not in redirects and not resolves(site, target):
            problems.append(f"{address}: its page moved to {target.partition('#')[0]}, which has no such anchor")
    for old, new in redirects.items():
        if not resolves(site, new):
            problems.append(f"redirect {old} -> {new}: the new address does not exist in the site")
    return problems


def _page_redirect(address: str, redirects: dict[str, str]) -> str:
    """An anchor of a page that moved as a whole follows the page, keeping its anchor."""
    path, _, anchor = address.partition("#")
    new = redirects.get(path)
    return f"{new.partition('#')[0]}#{anchor}" if new and anchor else (new or "")


def unlisted(site: Path, listed: list[str]) -> list[str]:
    known = set(listed)
    return [a for a in published(site) if a not in known]


def update(site: Path, path: Path = LIST) -> list[str]:
    """Add the site's new addresses to the list (an address once listed stays listed)."""
    added = unlisted(site, read_list(path))
    every = sorted(set(read_list(path)) | set(added))
    Path(path).write_text(HEADER + "".join(a + "\n" for a in every), encoding="utf-8")
    return added


# --- redirects in the built site ------------------------------------------------------------------

def relative(from_page: str, to_address: str) -> str:
    path, _, anchor = to_address.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    return rel + ("#" + anchor if anchor else "")


def renamed_here(page: str, body: str, redirects: dict[str, str]) -> str:
    """The body with each old anchor renamed on this same page placed, unseen, just before its new name.

    A reader who follows an old address lands on the figure itself, with nothing added to the page.
    """
    for old, new in sorted(redirects.items()):
        path, _, anchor = old.partition("#")
        new_path, _, new_anchor = new.partition("#")
        if path != page or new_path != page or not anchor or not new_anchor or f'id="{anchor}"' in body:
            continue
        at = re.search(rf'<[^<>]*\bid="{re.escape(new_anchor)}"', body)
        if at:
            span = (f'<span id="{html.escape(anchor)}" class="thesis-old-anchor" '
                    f'data-now="{html.escape(new_anchor)}"></span>')
            body = body[:at.start()] + span + body[at.start():]
    return body


def moved_anchors(page: str, body_ids: set[str], redirects: dict[str, str]) -> str:
    """Elements for the old anchors of this page that now live elsewhere (or under another name)."""
    out = []
    for old, new in sorted(redirects.items()):
        path, _, anchor = old.partition("#")
        if path != page or not anchor or anchor in body_ids:
            continue
        href = html.escape(relative(page, new))
        out.append(f'<p id="{html.escape(anchor)}" class="thesis-moved">What was here has moved: '
                   f'<a href="{href}">{html.escape(new)}</a>.</p>')
    return "".join(out)


def write_stubs(outdir: Path, redirects: dict[str, str], title: str = "Moved") -> list[Path]:
    """A small page at each old address that is gone, sending the reader to the new one."""
    pages: dict[str, dict[str, str]] = {}
    for old, new in redirects.items():
        path, _, anchor = old.partition("#")
        pages.setdefault(path, {})[anchor] = new
    written = []
    for path, targets in pages.items():
        out = Path(outdir) / path
        if out.exists():
            continue
        default = targets.get("") or next(iter(targets.values()))
        if "" in targets:
            default_rel = relative(path, default)
        else:
            default_rel = relative(path, default.partition("#")[0])
        by_anchor = {a: relative(path, t) for a, t in targets.items() if a}
        links = "".join(f'<li id="{html.escape(a)}"><a href="{html.escape(t)}">{html.escape(t)}</a></li>'
                        for a, t in sorted(by_anchor.items()))
        script = ("(function(){var m=" + json.dumps(by_anchor).replace("</", "<\\/") + ";var h=location.hash.slice(1);"
                  "location.replace(m[h]||" + json.dumps(default_rel) + "+(m[h]?'':location.hash));})();")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}: this page has moved</title>"
            f'<meta http-equiv="refresh" content="0; url={html.escape(default_rel)}">'
            f'<link rel="canonical" href="{html.escape(default_rel)}"><script>{script}</script></head>'
            f'<body><main><h1>This page has moved</h1><p>It is now at <a href="{html.escape(default_rel)}">'
            f"{html.escape(default)}</a>.</p>" + (f"<ul>{links}</ul>" if links else "") + "</main></body></html>\n",
            encoding="utf-8")
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    site = Path(args[1]) if len(args) > 1 else ROOT / "_build" / "html"
    if command == "update":
        added = update(site)
        print(f"{len(added)} address(es) added to {os.path.relpath(LIST)}")
        return 0
    problems = dropped(site, read_list(), read_redirects())
    print("\n".join(problems) or "every listed address resolves")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
