"""Sign-in through an OpenID Connect provider, with Authlib's Flask client.

Only set up when ``INTAKE_OIDC_*`` is configured. Authlib reads the
provider's discovery document, sends the authorization code request with
PKCE (S256), a ``state`` and a ``nonce`` kept in the session, and checks the
returned ID token: its signature against the provider's keys, ``iss`` (the
configured issuer), ``aud`` (this client), ``exp``/``iat`` (with
``INTAKE_OIDC_LEEWAY_S`` of clock difference) and the ``nonce``. What the
token says about the person is then judged by :mod:`intake.accounts.oidc`.
Every refusal is a page that says why, and leaves no session behind.

At the token endpoint the service proves itself with its client secret or,
with ``INTAKE_OIDC_CLIENT_AUTH=private_key_jwt`` (RFC 7523, as NHS CIS2
asks), with a JWT signed by its private key: Authlib's ``PrivateKeyJWT``
signs it with ``iss`` and ``sub`` the client id, ``aud`` the token
endpoint, a fresh ``jti`` and a one-minute life. The public half is served
as a JWKS at ``/oidc/jwks.json`` for the provider's registration.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_login import logout_user
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey
from requests import RequestException

from intake.accounts import oidc as accounts
from intake.accounts.models import User
from intake.config import OidcSettings
from web.security import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)
bp = Blueprint("oidc", __name__, url_prefix="/login/oidc")
_NEXT = "oidc_next"
_ID_TOKEN = "oidc_id_token"

#: Why a sign-in was refused: (status, heading, what to do).
REFUSALS = {
    "role": (
        403,
        "You do not have access to this service",
        "Your NHS account signed you in, but it does not have a role that lets you use the "
        "caseworker dashboard. Ask the person who manages your access to give your account "
        "the PCSE caseworker role, then sign in again.",
    ),
    "acr": (
        403,
        "Sign in with a stronger method",
        "This service needs a stronger way of signing in (such as your smartcard or a "
        "security key) than the one you used. Sign out of your NHS account, then sign in "
        "again with that method.",
    ),
    "disabled": (
        403,
        "Your account has been disabled",
        "An administrator of this service has disabled your account. Ask them to enable it "
        "if you still need to use the dashboard.",
    ),
    "failed": (
        400,
        "We could not sign you in",
        "The answer from the sign-in service could not be checked, so you have not been "
        "signed in. This can happen if you used the back button or waited too long. "
        "Try again.",
    ),
    "client": (
        503,
        "The sign-in service did not accept this service",
        "The NHS sign-in service would not accept this service's own credentials, so you "
        "have not been signed in. This is not something you can fix: tell the team that "
        "runs this service.",
    ),
    "unavailable": (
        503,
        "The sign-in service is not available",
        "We could not reach the NHS sign-in service. Try again in a few minutes.",
    ),
}


def init_app(
    app: Flask, settings: OidcSettings, sign_in: Callable[[User, str | None], Response]
) -> None:
    """Register the provider with Authlib and the sign-in routes;
    ``sign_in(user, next)`` starts the session of an accepted account."""
    oauth = OAuth(app)
    client_secret: object = settings.client_secret
    auth_methods = []
    if settings.client_auth == "private_key_jwt":
        client_secret, alg = signing_key(settings)
        headers = {"kid": settings.key_id} if settings.key_id else None
        auth_methods.append(ShortLivedPrivateKeyJWT(headers=headers, alg=alg))
        app.add_url_rule("/oidc/jwks.json", "oidc_jwks", _jwks)
        app.extensions["intake_oidc_jwks"] = public_jwks(client_secret, alg, settings.key_id)
    oauth.register(
        "provider",
        client_id=settings.client_id,
        client_secret=client_secret,
        server_metadata_url=settings.metadata_url,
        client_auth_methods=auth_methods,
        client_kwargs={
            "scope": settings.scopes,
            "code_challenge_method": "S256",
            "default_timeout": 10,
            "token_endpoint_auth_method": settings.client_auth,
        },
    )
    app.config["INTAKE_OIDC"] = settings
    app.extensions["intake_oidc_sign_in"] = sign_in
    app.register_blueprint(bp)
    # The sign-out form leads on to the provider's end-session page.
    policy = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {_origin(settings.issuer)}"
    )

    @app.after_request
    def _form_action(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class ShortLivedPrivateKeyJWT(PrivateKeyJWT):
    """Authlib's ``private_key_jwt``, with an assertion that lives a minute
    (Authlib's default is an hour; CIS2 accepts at most five minutes)."""

    lifetime_s = 60

    def sign(self, auth, token_endpoint):
        return private_key_jwt_sign(
            auth.client_secret,
            client_id=auth.client_id,
            token_endpoint=token_endpoint,
            claims=self.claims,
            header=dict(self.headers or {}),
            alg=self.alg,
            expires_in=self.lifetime_s,
        )


_EC_ALGS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


def signing_key(settings: OidcSettings) -> tuple[RSAKey | ECKey, str]:
    """The client's private key (checked at start by the configuration) and
    the algorithm it signs with: RS256 for RSA, ES256/384/512 by EC curve."""
    assert settings.private_key_file is not None
    pem = settings.private_key_file.read_bytes()
    try:
        return RSAKey.import_key(pem), "RS256"
    except (ValueError, TypeError, JoseError):
        key = ECKey.import_key(pem)
        return key, _EC_ALGS[key.as_dict(private=False)["crv"]]


def public_jwks(key: RSAKey | ECKey, alg: str, kid: str | None) -> dict:
    """The public half of the client's key as a JWK Set."""
    public = {**key.as_dict(private=False), "use": "sig", "alg": alg}
    if kid:
        public["kid"] = kid
    return {"keys": [public]}


def _jwks():
    return jsonify(current_app.extensions["intake_oidc_jwks"])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _client():
    return current_app.extensions["authlib.integrations.flask_client"].provider


def _settings() -> OidcSettings:
    return current_app.config["INTAKE_OIDC"]


def refuse(code: str, detail: str = ""):
    """The page that says why, with no session left behind."""
    log.info("OpenID Connect sign-in refused: %s %s", code, detail)
    logout_user()
    for key in (_NEXT, _ID_TOKEN):
        flask_session.pop(key, None)
    status, heading, advice = REFUSALS[code]
    return render_template("sign_in_refused.html", heading=heading, advice=advice), status


@bp.get("/start")
def start():
    flask_session[_NEXT] = request.args.get("next") or ""
    settings = _settings()
    extra = {"acr_values": " ".join(settings.accepted_acr)} if settings.accepted_acr else {}
    try:
        return _client().authorize_redirect(url_for("oidc.callback", _external=True), **extra)
    except RequestException as error:
        return refuse("unavailable", str(error))


@bp.get("/callback")
def callback():
    settings = _settings()
    client = _client()
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [settings.issuer]}},
            leeway=settings.leeway_s,
        )
        claims = dict(token.get("userinfo") or {})
        if not claims:  # no ID token, or no nonce in the session: never trusted
            return refuse("failed", "no validated ID token")
        if not accounts.claim_values(claims, settings.role_claim):
            claims = _with_userinfo(client, token, claims)
    except RequestException as error:
        return refuse("unavailable", str(error))
    except AuthlibBaseError as error:
        if getattr(error, "error", None) == "invalid_client":
            log.error("The provider refused this client's credentials: %r", error)
            return refuse("client", repr(error))
        return refuse("failed", repr(error))
    except (JoseError, ValueError, KeyError) as error:
        return refuse("failed", repr(error))
    try:
        user = accounts.sign_in(current_app.extensions["intake"].db, settings, claims)
    except accounts.SignInRefused as refused:
        return refuse(refused.code, refused.detail)
    target = flask_session.pop(_NEXT, None)
    response = current_app.extensions["intake_oidc_sign_in"](user, target)
    flask_session[_ID_TOKEN] = token["id_token"]
    return response


def _with_userinfo(client, token, claims: dict) -> dict:
    """Some providers (CIS2) give roles only at the UserInfo endpoint; its
    answer counts only for the ID token's own subject."""
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    info = client.userinfo(token=token)
    if info.get("sub") != claims["sub"]:
        raise ValueError("UserInfo is about another subject")
    return {**info, **claims}


def logout_url() -> str | None:
    """Where to send a signed-out browser to end its provider session too
    (RP-initiated logout), when the provider offers it; clears the hint."""
    id_token = flask_session.pop(_ID_TOKEN, None)
    if "INTAKE_OIDC" not in current_app.config or id_token is None:
        return None
    try:
        if not _client().load_server_metadata().get("end_session_endpoint"):
            return None
        return _client().create_logout_url(
            post_logout_redirect_uri=url_for("auth.login", _external=True),
            id_token_hint=id_token,
            client_id=_settings().client_id,
        )["url"]
    except RequestException:
        return None
