"""Caseworker sign-in (Flask-Login) and the guards the other blueprints use."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from intake import audit
from intake.accounts.models import User
from intake.accounts.services import authenticate, end_sessions
from web import limits, oidc
from web.limits import limiter

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see the dashboard."
login_manager.login_message_category = "info"


class Caseworker(UserMixin):
    """The signed-in person, detached from the database session."""

    def __init__(self, user: User) -> None:
        self.user_id = user.id
        # What the session keeps: the account and its session version, so
        # that bumping the version ends the session (see end_sessions).
        self.id = f"{user.id}:{user.session_version}"
        self.username = user.username
        self.display_name = user.display_name
        self.role = user.role
        #: (issuer, subject) for an account that signs in through an
        #: identity provider; its actions carry them in the audit trail.
        self.identity = (user.oidc_issuer, user.oidc_subject) if user.oidc_subject else None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@login_manager.user_loader
def _load_user(session_id: str) -> Caseworker | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    with current_app.extensions["intake"].db.session() as session:
        user = session.get(User, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        caseworker = Caseworker(user)
    if caseworker.identity is not None:
        g.audit_identity = audit.acting_as(caseworker.username, *caseworker.identity)
    return caseworker


def _stop_acting(_error: BaseException | None) -> None:
    token = g.pop("audit_identity", None)
    if token is not None:
        audit.stop_acting(token)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.teardown_request(_stop_acting)
    oidc_settings = app.extensions["intake"].settings.oidc
    if oidc_settings is not None:
        oidc.init_app(app, oidc_settings, sign_in=_start_session)


def _sign_in_choices() -> dict[str, object]:
    """What the sign-in page offers: the identity provider, local accounts."""
    settings = current_app.config.get("INTAKE_OIDC")
    return {
        "oidc_label": settings.label if settings else None,
        "local_login": settings is None or settings.local_login,
    }


def caseworker_required(blueprint: Blueprint) -> None:
    """Every route of ``blueprint`` needs a signed-in caseworker or admin."""

    @blueprint.before_request
    def _require_login():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


def admin_required(view):
    """The view needs a signed-in admin."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after sign-in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("dashboard.index")


def _start_session(user: User, target: str | None):
    # A new CSRF token for the signed-in session: one seen before
    # sign-in is worth nothing after it.
    flask_session.pop("csrf_token", None)
    login_user(Caseworker(user))
    return redirect(_safe_next(target))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.LOGIN, methods=["POST"])
def login():
    form = LoginForm()
    choices = _sign_in_choices()
    if not choices["local_login"]:
        if request.method == "POST":
            abort(404)
        return render_template("login.html", form=None, **choices)
    if form.validate_on_submit():
        db = current_app.extensions["intake"].db
        user = authenticate(db, form.username.data, form.password.data)
        if user is None:
            flash("That username and password do not match an account.", "error")
            return render_template("login.html", form=form, **choices), 401
        with db.session() as session:
            audit.record(session, "signed in", actor=user.username)
        return _start_session(user, request.args.get("next"))
    return render_template("login.html", form=form, **choices)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_app.extensions["intake"].db, current_user.user_id)
    logout_user()
    flash("You have signed out.", "info")
    # Signed in through the identity provider: sign out there too, if it can.
    return redirect(oidc.logout_url() or url_for("auth.login"))
