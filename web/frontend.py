"""The NHS.UK design system's compiled assets, installed beside our own.

``make install`` runs ``npm ci`` (``package.json`` pins ``nhsuk-frontend``)
and then ``python -m web.frontend``, which copies the compiled CSS, the
JavaScript module and the images from ``node_modules/nhsuk-frontend/dist``
into ``web/static/nhsuk/`` (ignored by git, never committed):

* the CSS asks for its images at ``/assets/...``; they are served from
  ``/static/nhsuk/assets/...``, so those addresses are made relative;
* its ``@font-face`` rules load the NHS's licensed Frutiger font from the
  NHS's own asset host. This service serves nothing from another host (its
  Content-Security-Policy says ``'self'``), so the rules are left out and
  the pages use the design system's fallback font stack (Arial).

Without npm the copy is skipped with a warning: :func:`installed` is then
false and the pages are drawn with ``app.css`` alone, plainer but usable.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
TARGET = Path(__file__).resolve().parent / "static" / "nhsuk"
CSS, JS = "nhsuk-frontend.min.css", "nhsuk-frontend.min.js"

_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_ASSETS = re.compile(r"url\(/assets/")


def installed() -> bool:
    """Whether the design system's assets are in place to be served."""
    return (TARGET / CSS).is_file() and (TARGET / JS).is_file()


def adapt_css(css: str) -> str:
    """The compiled CSS as this service serves it: no remote fonts, images
    addressed beside the file.

    >>> adapt_css("@font-face{font-family:x;src:url(https://f/x.woff2)}a{b:url(/assets/i.svg)}")
    'a{b:url(assets/i.svg)}'
    """
    return _ASSETS.sub("url(assets/", _FONT_FACE.sub("", css))


def install(package: Path = PACKAGE, target: Path = TARGET) -> list[str]:
    """Copy the assets from ``package`` (npm's copy) into ``target``; what
    was written, relative to ``target``."""
    if not (package / CSS).is_file():
        raise FileNotFoundError(f"{package / CSS} is missing: run `npm ci` first")
    if target.exists():
        shutil.rmtree(target)
    (target / "assets").mkdir(parents=True)
    (target / CSS).write_text(adapt_css((package / CSS).read_text(encoding="utf-8")))
    shutil.copyfile(package / JS, target / JS)
    shutil.copytree(package / "assets" / "images", target / "assets" / "images")
    return sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())


def main() -> int:
    try:
        written = install()
    except FileNotFoundError as missing:
        print(f"warning: NHS.UK design system not installed ({missing});", file=sys.stderr)
        print("the pages will use app.css alone", file=sys.stderr)
        return 0
    print(f"NHS.UK design system: {len(written)} files in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
