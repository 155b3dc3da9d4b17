"""Admin pages: API tokens (create, shown once; revoke) and leaver flags."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from intake.accounts.models import ApiToken
from intake.accounts.services import AccountError, create_api_token, revoke_api_token
from intake.directory.models import LeaverFlag
from web.auth import admin_required
from web.pages import intake_service

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@admin_required
def _admins_only():
    return None


def _tokens() -> list[ApiToken]:
    with intake_service().db.session() as session:
        return list(
            session.scalars(
                select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
            )
        )


@bp.get("/tokens")
def tokens():
    return render_template("admin_tokens.html", tokens=_tokens(), new_token=None, error=None)


@bp.post("/tokens")
def create_token():
    name = request.form.get("name", "")
    try:
        token = create_api_token(
            intake_service().db,
            name,
            created_by=current_user.username,
            scope=request.form.get("scope", "submitter"),
        )
    except AccountError as error:
        return render_template(
            "admin_tokens.html", tokens=_tokens(), new_token=None, error=str(error)
        ), 400
    # Shown in this response only: it is stored hashed and cannot be shown again.
    return render_template(
        "admin_tokens.html", tokens=_tokens(), new_token=token, new_name=name.strip(), error=None
    )


@bp.post("/tokens/revoke")
def revoke_token():
    name = request.form.get("name", "")
    count = revoke_api_token(intake_service().db, name, actor=current_user.username)
    if count:
        flash(f"Revoked {count} token(s) called {name}.", "success")
    else:
        flash(f"No live token is called {name}.", "error")
    return redirect(url_for("admin.tokens"))


@bp.get("/leavers")
def leavers():
    with intake_service().db.session() as session:
        flags = list(
            session.scalars(
                select(LeaverFlag)
                .order_by(LeaverFlag.resolved_at.is_not(None), LeaverFlag.id.desc())
                .limit(500)
            )
        )
    return render_template("admin_leavers.html", flags=flags)
