"""``intake users`` and ``intake tokens``: who may use the dashboard and the API."""

from __future__ import annotations

import sys

import click

from cli import context
from intake.accounts.services import (
    SCOPES,
    TOKEN_DAYS,
    AccountError,
    create_api_token,
    create_user,
    disable_user,
    revoke_api_token,
    set_password,
)


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
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(
    username: str, role: str, display_name: str | None, email: str | None, password_stdin: bool
) -> None:
    """Add an account that can sign in to the dashboard."""
    db = context.service().db
    password = _password(password_stdin, "Password")
    try:
        user = create_user(
            db, username, password, role=role, display_name=display_name, email=email
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {user.role} {user.username}")


def _password(from_stdin: bool, prompt: str) -> str:
    """A password from standard input's first line, or asked for twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


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
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username}: new password set; their sessions have ended")


@users.command("disable")
@click.argument("username")
@click.option("--as", "actor", required=True, help="Who is disabling it (an admin).")
def users_disable(username: str, actor: str) -> None:
    """Stop USERNAME signing in; their sessions end at once."""
    service = context.service()
    try:
        disable_user(service.db, username, actor=context.account(service, actor, admin=True))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username}: disabled; their sessions have ended")


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
        raise click.ClickException(str(exc)) from None
    click.echo(token)


@tokens.command("revoke")
@click.argument("name")
@click.option("--as", "actor", required=True, help="Who is revoking it (an admin).")
def tokens_revoke(name: str, actor: str) -> None:
    """Revoke every token called NAME."""
    service = context.service()
    count = revoke_api_token(service.db, name, actor=context.account(service, actor, admin=True))
    click.echo(f"revoked {count} token(s) called {name}")


COMMANDS = (users, tokens)
