"""Serve the built site on this machine: ``make serve`` (``make serve PORT=8001``).

    python -m analysis.serve [--port 8000] [--site _build/html] [--no-build]

First the book is brought up to date (``analysis.build``: only stale notebooks run, Sphinx rebuilds
only what changed); a failed build keeps the last good site, which is then served with a warning.
The site is served on 127.0.0.1 only, with the book's 404 page for unknown addresses, until Ctrl-C.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import sys
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


#: Served gzip-compressed when the browser accepts it, as static hosts do (GitHub Pages, Netlify, nginx).
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".map"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, text compressed as a host would; an unknown address gets the site's own 404 page
    (as GitHub Pages does)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".svg": "image/svg+xml", ".woff2": "font/woff2",
                      ".json": "application/json", ".xml": "application/xml", ".csv": "text/csv"}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file() or self.command not in ("GET", "HEAD"):
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)


class QuietHandler(Handler):
    def log_message(self, format, *args):
        pass


def server(site: Path, port: int, quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for ``site`` on 127.0.0.1:``port`` (0: any free port); not started."""
    handler = functools.partial(QuietHandler if quiet else Handler, directory=str(site))
    return http.server.ThreadingHTTPServer((HOST, port), handler)


def ensure_built(site: Path, say=print) -> None:
    """Build the book if anything is stale; on failure keep (and serve) the last good site."""
    from . import build

    build_dir = Path(os.environ.get("THESIS_BUILD_DIR") or build.DEFAULT_BUILD_DIR).resolve()
    try:
        build.build(build_dir=build_dir, out=site, say=say)
    except build.BuildError as err:
        if not (site / "index.html").exists():
            raise
        say(f"warning: the build failed; serving the last good site.\n{err}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.serve", description="Serve the built book on 127.0.0.1.")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT),
                   help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--site", type=Path, help="the site folder (default: _build/html)")
    p.add_argument("--no-build", action="store_true", help="serve what is there; do not build first")
    args = p.parse_args(argv)
    from .build import DEFAULT_BUILD_DIR

    site = (args.site or Path(os.environ.get("THESIS_BUILD_DIR") or DEFAULT_BUILD_DIR) / "html").resolve()
    try:
        if not args.no_build:
            ensure_built(site)
        if not (site / "index.html").exists():
            print(f"error: no site at {site} (run `make book`)", file=sys.stderr)
            return 1
        httpd = server(site, args.port)
    except OSError as err:
        print(f"error: cannot serve on {HOST}:{args.port} ({err.strerror or err}); "
              f"choose another port: make serve PORT={args.port + 1}", file=sys.stderr)
        return 1
    except Exception as err:  # a build error with no earlier site to fall back on
        print(f"error: {err}", file=sys.stderr)
        return 1
    port = httpd.server_address[1]
    print(f"serving {site} at http://{HOST}:{port}/ (Ctrl-C to stop; another port: make serve PORT=...)",
          flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
