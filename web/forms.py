"""The blank form: a page that explains it, and the fillable PDF itself.

The PDF is drawn by :func:`intake.forms.blank.blank_form` from the service's
own field table, telling the requester where to send it back (this site's
upload page, and the intake mailbox when one is set up). It carries no
personal data, so browsers and proxies may keep it.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from intake.config import Settings
from intake.forms.blank import FILENAME, blank_form
from web.pages import intake_service

bp = Blueprint("forms", __name__)


def _form_pdf() -> bytes:
    settings: Settings = intake_service().settings
    upload_url = settings.public_url + url_for("views.upload_form")
    # The mailbox's login is its address when it is one (as on most mail services).
    mailbox = settings.imap_user if settings.imap_host and "@" in settings.imap_user else None
    return blank_form(upload_url, mailbox)


@bp.get("/form")
def download_page():
    return render_template(
        "download_form.html", filename=FILENAME, size_kb=max(1, round(len(_form_pdf()) / 1024))
    )


@bp.get("/form.pdf")
def download():
    response = Response(_form_pdf(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
