"""The Flask application: requester upload, caseworker dashboard, JSON API."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from intake.config import Settings
from intake.service import Intake
from tasks import celery_config, celery_init_app
from web.security import COOKIE_CONFIG


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config["INTAKE_SETTINGS"]`` (a ``Settings``) replaces
    the environment; ``config["INTAKE_MIGRATE"]`` (default true) says whether
    to bring the database's schema up to date or only check it; any other
    keys override Flask config."""
    config = dict(config or {})
    settings: Settings = config.pop("INTAKE_SETTINGS", None) or Settings.from_env()
    migrate = config.pop("INTAKE_MIGRATE", True)
    app = Flask(__name__)
    app.config.from_mapping(
        COOKIE_CONFIG,
        SECRET_KEY=settings.secret_key,
        # Room for the multipart envelope around a file at the size limit.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 256 * 1024,
        CELERY=celery_config(settings),
    )
    app.config.update(config)
    if settings.trusted_proxies:
        # Behind a TLS proxy: the client's own address (rate limits key on
        # it) and scheme come from the headers the trusted proxies set.
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["intake"] = Intake.start(settings, migrate=migrate)
    celery_init_app(app)

    from web import (
        admin,
        api,
        auth,
        dashboard,
        forms,
        info,
        limits,
        metrics,
        outages,
        pages,
        security,
        views,
    )

    app.before_request(views.allow_several_files)  # before CSRF reads the form
    security.init_app(app)
    limits.init_app(app, settings.ratelimit_storage_url)
    outages.init_app(app)
    auth.init_app(app)
    pages.init_app(app)
    info.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(forms.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(metrics.bp)
    return app
