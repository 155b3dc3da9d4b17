"""Admin pages: accounts (list, disable or enable, role, a new password), API
tokens (create, shown once; revoke by id) and leaver flags; and, for anyone
signed in, the page to change their own password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from intake.accounts.models import User
from intake.accounts.services import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    SCOPES,
    AccountError,
    WrongPassword,
    change_password,
    create_api_token,
    disable_user,
    enable_user,
    list_api_tokens,
    list_users,
    revoke_api_token,
    set_password,
    set_role,
)
from intake.directory.models import LeaverFlag
from web import limits
from web.auth import Caseworker, admin_required, caseworker_required
from web.limits import limiter
from web.pages import intake_service

bp = Blueprint("admin", __name__, url_prefix="/admin")
account = Blueprint("account", __name__, url_prefix="/account")
caseworker_required(account)


@bp.record_once
def _with_the_account_pages(state) -> None:
    # Every signed-in user's own pages come with the admin pages.
    state.app.register_blueprint(account)


@bp.before_request
@admin_required
def _admins_only():
    return None


def _error(field: str, text: str) -> dict[str, str]:
    """One error: its text, shown in the summary (linking to the field) and
    beside the field whose id is ``field``."""
    return {"field": field, "text": text}


def _new_password_errors() -> list[dict[str, str]]:
    new = request.form.get("password", "")
    again = request.form.get("password_confirm", "")
    errors = []
    if not new:
        errors.append(_error("password", "Enter a new password"))
    elif len(new) < MIN_PASSWORD_LENGTH:
        errors.append(
            _error("password", f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters")
        )
    if new and again != new:
        errors.append(_error("password-confirm", "Enter the same new password again"))
    return errors


# Accounts


def _user(user_id: int) -> User:
    with intake_service().db.session() as session:
        user = session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _users_page(errors: list[dict[str, str]] | None = None, status: int = 200):
    return render_template(
        "admin_users.html", users=list_users(intake_service().db), roles=ROLES, errors=errors or []
    ), status


@bp.get("/users")
def users():
    return _users_page()


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = _user(user_id)
    enable = request.form.get("active") == "yes"
    try:
        change = enable_user if enable else disable_user
        change(intake_service().db, user.username, actor=current_user.username)
    except AccountError as error:
        return _users_page([_error(f"active-{user.id}", str(error))], 400)
    if enable:
        flash(f"{user.username} can sign in again.", "success")
    else:
        flash(f"{user.username} is disabled: their sessions have ended.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    user = _user(user_id)
    role = request.form.get("role", "")
    try:
        set_role(intake_service().db, user.username, role, actor=current_user.username)
    except AccountError as error:
        return _users_page([_error(f"role-{user.id}", str(error))], 400)
    flash(f"{user.username} is now {'an admin' if role == 'admin' else 'a caseworker'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = _user(user_id)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        errors = _new_password_errors()
        if not errors:
            set_password(
                intake_service().db,
                user.username,
                request.form["password"],
                actor=current_user.username,
            )
            flash(f"{user.username} has a new password: their sessions have ended.", "success")
            return redirect(url_for("admin.users"))
    page = render_template(
        "admin_user_password.html", user=user, errors=errors, min_length=MIN_PASSWORD_LENGTH
    )
    return page, 400 if errors else 200


# Your own password


@account.route("/password", methods=["GET", "POST"])
@limiter.limit(limits.LOGIN, methods=["POST"])
def password():
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        current = request.form.get("current_password", "")
        if not current:
            errors.append(_error("current-password", "Enter your current password"))
        errors += _new_password_errors()
        if not errors:
            try:
                user = change_password(
                    intake_service().db, current_user.username, current, request.form["password"]
                )
            except WrongPassword:
                errors.append(_error("current-password", "Your current password is not right"))
            else:
                # The account's other sessions have ended; this one goes on.
                login_user(Caseworker(user))
                flash(
                    "Your password has been changed. You are signed out everywhere else.", "success"
                )
                return redirect(url_for("dashboard.index"))
    page = render_template("account_password.html", errors=errors, min_length=MIN_PASSWORD_LENGTH)
    return page, 400 if errors else 200


# API tokens


def _tokens_page(errors=None, new_token=None, new_name=None, status=200):
    return render_template(
        "admin_tokens.html",
        tokens=list_api_tokens(intake_service().db),
        new_token=new_token,
        new_name=new_name,
        errors=errors or [],
    ), status


@bp.get("/tokens")
def tokens():
    return _tokens_page()


@bp.post("/tokens")
def create_token():
    name = request.form.get("name", "")
    scope = request.form.get("scope", "submitter")
    if scope not in SCOPES:
        return _tokens_page([_error("scope", "Choose what the token may do")], status=400)
    try:
        token = create_api_token(
            intake_service().db, name, created_by=current_user.username, scope=scope
        )
    except AccountError as error:
        return _tokens_page([_error("name", str(error))], status=400)
    # Shown in this response only: it is stored hashed and cannot be shown again.
    return _tokens_page(new_token=token, new_name=name.strip())


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    try:
        revoked = revoke_api_token(intake_service().db, token_id, actor=current_user.username)
    except AccountError as error:
        flash(str(error), "error")
    else:
        flash(f"Token {revoked.id} ({revoked.name}) is revoked.", "success")
    return redirect(url_for("admin.tokens"))


# Leavers


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
