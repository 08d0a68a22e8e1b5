"""Write book/_static/icons/: the FontAwesome solid font cut down to the icons the site uses.

The theme's stylesheet draws every ``fa-*`` icon from FontAwesome's 156 KB solid font; the pages use
about twenty. This keeps those (every icon class found in a built site, plus the icons the theme's
stylesheet draws by itself: admonitions, external links, "on this page"), and declares the subset
under the theme's own font name, after the theme's stylesheet, so browsers never fetch the full font.

Run by hand after a theme upgrade or when the build warns that a page uses an icon not in the subset
(needs fonttools and brotli, which the book itself does not install):

    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools brotli
    /tmp/ft/bin/python book/_ext/icon_subset.py _build/html

Font Awesome Free 6 by Fonticons, Inc.: font under the SIL OFL 1.1, icons under CC BY 4.0
(https://fontawesome.com/license/free).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "_static" / "icons"
#: Classes the theme's scripts may add at run time, beyond those in the pages.
EXTRA = ["xmark", "angle-down", "angle-up", "check", "copy"]
ICON_CLASS = re.compile(r'\bfa-(?!solid\b|regular\b|brands\b|lg\b|xs\b|sm\b|\dx\b|fw\b)([a-z0-9-]+)')


def main(site: Path) -> None:
    from fontTools import subset
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    css = (theme / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    font = theme / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"

    glyph = {}  # class name -> code point
    for sels, cp in re.findall(r'([^{}]+)\{content:"\\([0-9a-f]{4})"\}', css):
        for sel in sels.split(","):
            m = re.fullmatch(r"\.fa-([a-z0-9-]+):(?:before|:before)", sel.strip())
            if m:
                glyph[m.group(1)] = int(cp, 16)
    used = set(EXTRA)
    for page in site.rglob("*.html"):
        if "_sources" in page.parts:
            continue
        for cls in re.findall(r'class="([^"]*\bfa-[^"]*)"', page.read_text(encoding="utf-8", errors="replace")):
            used.update(n for n in ICON_CLASS.findall(cls) if n in glyph)
    points = {glyph[c] for c in used}
    # icons the stylesheet draws by itself: --pst-icon-* variables and literal \fXXX contents
    points |= {ord(ch) for ch in re.findall(r'--pst-icon-[a-z-]+:"(.)"', css)}
    for sels, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if not all(sel.strip().startswith(".fa") for sel in sels.split(",")):
            points |= {int(cp, 16) for cp in re.findall(r'content:"\\([0-9a-f]{4})"', body)}
    points = {p for p in points if 0xE000 <= p <= 0xF8FF}

    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "fa-solid-subset.woff2"
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    sub = subset.Subsetter(options)
    ft = subset.load_font(str(font), options)
    sub.populate(unicodes=sorted(points))
    sub.subset(ft)
    subset.save_font(ft, str(target), options)
    # every class whose glyph the subset carries (aliases included)
    covered = sorted(c for c, p in glyph.items() if p in points)
    (OUT / "icons.json").write_text(json.dumps({"classes": covered}, indent=0) + "\n", encoding="utf-8")
    (OUT / "icons.css").write_text(
        "/* FontAwesome Free 6 solid, cut to the icons this site uses (book/_ext/icon_subset.py).\n"
        "   Font: SIL OFL 1.1; icons: CC BY 4.0, Fonticons, Inc. (https://fontawesome.com/license/free).\n"
        "   Declared after the theme's own @font-face, so this one is used and the full font never loads. */\n"
        '@font-face{font-display:block;font-family:"Font Awesome 6 Free";font-style:normal;font-weight:900;'
        'src:url(fa-solid-subset.woff2) format("woff2")}\n',
        encoding="utf-8")
    print(f"{len(points)} icons, {target.stat().st_size} bytes -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
