"""``intake users`` and ``intake tokens``: who may use the dashboard and the API."""

from __future__ import annotations

import datetime as dt
import sys

import click

from cli import context
from intake.accounts.services import (
    ROLES,
    SCOPES,
    TOKEN_DAYS,
    AccountError,
    create_api_token,
    create_user,
    disable_user,
    enable_user,
    list_api_tokens,
    list_users,
    revoke_api_token,
    set_password,
    set_role,
    unrevoked_token_id,
)
from intake.db import aware, utcnow


@click.group()
def users() -> None:
    """Caseworker and admin accounts."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["caseworker", "admin"]), default="caseworker", show_default=True
)
@click.option("--name", "display_name", help="Name shown in the audit trail.")
@click.option("--email", help="Where caseworker digests are sent.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input's first line (the default without a terminal).",
)
def users_add(
    username: str, role: str, display_name: str | None, email: str | None, password_stdin: bool
) -> None:
    """Add an account that can sign in to the dashboard. On a terminal the
    password is asked for twice; otherwise it is standard input's first line."""
    db = context.service().db
    password = _password(password_stdin, "Password")
    try:
        user = create_user(
            db, username, password, role=role, display_name=display_name, email=email
        )
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"added {user.role} {user.username}")


def _password(from_stdin: bool, prompt: str) -> str:
    """A password from standard input's first line (asked for, or when no
    terminal is there to ask on), else asked for twice."""
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.UsageError(
                "no password on standard input: type it on a terminal, or send it as the "
                "first line of standard input"
            )
        return password
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _fail(exc: AccountError) -> click.ClickException:
    return click.ClickException(str(exc))


def _when(value: dt.datetime | None) -> str:
    return aware(value).strftime("%Y-%m-%d %H:%M UTC") if value else "-"


@users.command("list")
@click.option("--as", "actor", required=True, help="Who is asking (an admin).")
def users_list(actor: str) -> None:
    """Every account: username, role, state, last sign-in, name."""
    service = context.service()
    context.account(service, actor, admin=True)
    rows = [("USERNAME", "ROLE", "STATE", "LAST SIGN-IN", "NAME")]
    for user in list_users(service.db):
        state = "active" if user.active else "disabled"
        rows.append(
            (user.username, user.role, state, _when(user.last_signed_in_at), user.display_name)
        )
    _table(rows)


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


@users.command("password")
@click.argument("username")
@click.option("--as", "actor", required=True, help="Who is changing it (an admin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_password(username: str, actor: str, password_stdin: bool) -> None:
    """Give USERNAME a new password; their sessions end."""
    service = context.service()
    actor = context.account(service, actor, admin=True)
    password = _password(password_stdin, "New password")
    try:
        set_password(service.db, username, password, actor=actor)
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"{username}: new password set; their sessions have ended")


@users.command("disable")
@click.argument("username")
@click.option("--as", "actor", required=True, help="Who is disabling it (an admin).")
def users_disable(username: str, actor: str) -> None:
    """Stop USERNAME signing in; their sessions end at once. The last
    active admin cannot be disabled."""
    service = context.service()
    try:
        disable_user(service.db, username, actor=context.account(service, actor, admin=True))
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"{username}: disabled; their sessions have ended")


@users.command("enable")
@click.argument("username")
@click.option("--as", "actor", required=True, help="Who is enabling it (an admin).")
def users_enable(username: str, actor: str) -> None:
    """Let a disabled USERNAME sign in again, with the password it had."""
    service = context.service()
    try:
        enable_user(service.db, username, actor=context.account(service, actor, admin=True))
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"{username}: enabled")


@users.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--as", "actor", required=True, help="Who is changing it (an admin).")
def users_role(username: str, role: str, actor: str) -> None:
    """Make USERNAME a caseworker or an admin. The last active admin stays one."""
    service = context.service()
    try:
        set_role(service.db, username, role, actor=context.account(service, actor, admin=True))
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"{username}: {role}")


@click.group()
def tokens() -> None:
    """API tokens for automation."""


@tokens.command("create")
@click.argument("name")
@click.option("--as", "actor", required=True, help="Who is creating it (an admin).")
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="submitter",
    show_default=True,
    help="submitter: sends forms and reads what it sent; reader: reads every request.",
)
@click.option("--days", type=int, default=TOKEN_DAYS, show_default=True, help="How long it lives.")
def tokens_create(name: str, actor: str, scope: str, days: int) -> None:
    """Create a token called NAME and print it (it is shown only once)."""
    service = context.service()
    try:
        token = create_api_token(
            service.db,
            name,
            created_by=context.account(service, actor, admin=True),
            scope=scope,
            days=days,
        )
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(token)


@tokens.command("list")
@click.option("--as", "actor", required=True, help="Who is asking (an admin).")
def tokens_list(actor: str) -> None:
    """Every token: id, name, scope, state, last use (never the token itself)."""
    service = context.service()
    context.account(service, actor, admin=True)
    now = utcnow()
    rows = [("ID", "SCOPE", "STATE", "LAST USED", "CREATED BY", "NAME")]
    for token in list_api_tokens(service.db):
        if token.revoked_at:
            state = "revoked"
        elif token.expires_at and aware(token.expires_at) <= now:
            state = "expired"
        else:
            state = "live"
        rows.append(
            (
                str(token.id),
                token.scope,
                state,
                _when(token.last_used_at),
                token.created_by,
                token.name,
            )
        )
    _table(rows)


@tokens.command("revoke")
@click.argument("token")
@click.option("--as", "actor", required=True, help="Who is revoking it (an admin).")
def tokens_revoke(token: str, actor: str) -> None:
    """Revoke the token whose id is TOKEN (`intake tokens list` shows them).
    A name is taken too when exactly one unrevoked token has it (TOKEN in
    digits only is always an id)."""
    service = context.service()
    actor = context.account(service, actor, admin=True)
    try:
        token_id = int(token) if token.isdigit() else unrevoked_token_id(service.db, token)
        revoked = revoke_api_token(service.db, token_id, actor=actor)
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"revoked token {revoked.id} ({revoked.name})")


COMMANDS = (users, tokens)
