"""Running the real producers: headless Chromium and LibreOffice Writer.

Only regenerating the corpus needs them (Debian ``chromium`` and
``libreoffice-writer-nogui``); reading the committed PDFs does not. Each
run gets its own temporary profile and home, so nothing is left behind.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile
from collections.abc import Mapping

TIMEOUT = 180


def _need(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(f"{names[0]} is not installed; it is needed to regenerate this producer")


def chromium_pdf(document: str) -> bytes:
    """Print an HTML document to PDF with headless Chromium (no header or footer)."""
    binary = _need("chromium", "chromium-browser", "google-chrome")
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        page = folder / "form.html"
        page.write_text(document, encoding="utf-8")
        out = folder / "out.pdf"
        subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={folder / 'profile'}",
                f"--print-to-pdf={out}",
                "--no-pdf-header-footer",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
            env={**os.environ, "HOME": str(folder)},
        )
        return out.read_bytes()


def writer_pdf(document: str, files: Mapping[str, bytes] = {}) -> bytes:  # noqa: B006
    """Open an HTML document in LibreOffice Writer and export it as PDF.

    ``files`` are written beside the document (images it refers to).
    """
    binary = _need("soffice", "libreoffice")
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        page = folder / "form.html"
        page.write_text(document, encoding="utf-8")
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--infilter=HTML (StarWriter)",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(folder / "out"),
                str(page),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
            env={**os.environ, "HOME": str(folder)},
        )
        return (folder / "out" / "form.pdf").read_bytes()
