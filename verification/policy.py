"""Who may authorise which role, in what order, and how many may hold it.

One table, kept as data so a reader can check it line by line against
PCSE's own guidance pages (each row names the page it comes from), and so
the rules and the README read the same values:

* :data:`AUTHORISERS`: the four capacities in PCSE's order of preference,
  with what the ID&V check needs for each. The GP Payments & Pensions page
  lists them under "Authorisation in order of preference" and says
  "Organisations should use the authorised persons in the order listed,
  where possible"; the ICB comes last ("If an ICB is the only option for
  authorisation, please request a named ICB contact").
* :data:`ROLE_POLICIES`: per §3 role, which capacities may authorise it and
  the most active holders an organisation may have.

:mod:`verification.rules` (``admin_limit``) reads the limits and
:mod:`verification.authorisers` reads which staff role carries a capacity
and which capacity is the last resort (ICB_NOT_PREFERRED);
:func:`render_markdown` writes the table the README prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from verification.reasons import ReasonCode
from verification.roles import (
    AEL_USER,
    CALDICOTT_GUARDIAN,
    GP_PARTNER,
    GPP_UA,
    ICB,
    MAIN_CONTACT,
    OPTO_UA,
    PL_UA,
    ROLES,
)

_PCSE = "https://pcse.england.nhs.uk/user-management/"

#: PCSE's guidance pages the table is checked against: title → address.
PAGES: dict[str, str] = {
    "GP Payments & Pensions": _PCSE + "gp-payments-and-pensions-service",
    "Performers List": _PCSE + "performer-management-gp-and-ophthalmic-practices",
    "Supplies": _PCSE + "supplies-service",
    "Ophthalmic Payments": _PCSE + "ophthalmic-payments-service",
}

#: Where the order of preference is written, and what it says of the order.
PREFERENCE_PAGE = "GP Payments & Pensions"
PREFERENCE_WORDS = (
    "Organisations should use the authorised persons in the order listed, where possible, "
    "and only one authoriser is required to sign"
)


@dataclass(frozen=True)
class Authoriser:
    """One capacity an authoriser may sign in.

    ``capacity`` is the value the form prints (SPEC §2); ``pcse_words`` how
    PCSE's list prints it; ``staff_role`` the ``staff.csv`` role that carries
    it (``None`` for the AEL and the ICB, which are listed elsewhere);
    ``check`` what ID&V needs, in words.
    """

    capacity: str
    pcse_words: str
    staff_role: str | None
    check: str


#: The capacities in PCSE's order of preference (GP Payments & Pensions page).
AUTHORISERS: tuple[Authoriser, ...] = (
    Authoriser(
        GP_PARTNER,
        "GP Partners",
        "gp_partner",
        "an active `gp_partner` row in staff.csv at the organisation",
    ),
    Authoriser(
        CALDICOTT_GUARDIAN,
        "Caldicott Guardian",
        "caldicott_guardian",
        "an active `caldicott_guardian` row in staff.csv at the organisation",
    ),
    Authoriser(
        AEL_USER,
        "User listed on the Authorised Email List (AEL)",
        None,
        "an active entry in ael.csv at the organisation",
    ),
    Authoriser(
        ICB,
        "ICB",
        None,
        "an active named contact in icb_contacts.csv for the organisation's ICB "
        "(else `ICB_CONTACT_NOT_NAMED`, `ICB_NOT_ORG_ICB`); the last resort: with any "
        "capacity above active at the organisation, `ICB_NOT_PREFERRED` (review)",
    ),
)

#: The capacities, most preferred first.
ORDER_OF_PREFERENCE: tuple[str, ...] = tuple(a.capacity for a in AUTHORISERS)

#: The capacity used only when no other is available (ICB_NOT_PREFERRED otherwise).
LAST_RESORT: str = ORDER_OF_PREFERENCE[-1]

#: The staff_role that carries each staff capacity (only these carry authority).
CAPACITY_STAFF_ROLE: dict[str, str] = {
    a.capacity: a.staff_role for a in AUTHORISERS if a.staff_role is not None
}


@dataclass(frozen=True)
class RolePolicy:
    """What PCSE's pages say about one §3 role.

    ``authorisers``: the capacities that may authorise it, in order of
    preference. ``limit``: the most active holders one organisation may have
    (``None``: no limit). ``limit_reason``: the reject for a New request when
    the organisation already has ``limit`` (``None`` when the limit is kept
    another way). ``pages``: titles in :data:`PAGES` the row is checked
    against. ``note``: what a reader checking the row needs to know.
    """

    role_code: str
    authorisers: tuple[str, ...]
    limit: int | None
    limit_reason: ReasonCode | None
    pages: tuple[str, ...]
    note: str = ""
    replaces: bool = False


#: Per §3 role. PCSE's authorisers table (GP Payments & Pensions page) gives
#: the same four capacities, in the same order, for GPP, PL and Main Contact.
ROLE_POLICIES: dict[str, RolePolicy] = {
    policy.role_code: policy
    for policy in (
        RolePolicy(
            GPP_UA,
            ORDER_OF_PREFERENCE,
            4,
            ReasonCode.GPP_ADMIN_LIMIT,
            ("GP Payments & Pensions",),
            '"each practice can have a maximum of four user admins"',
        ),
        RolePolicy(
            PL_UA,
            ORDER_OF_PREFERENCE,
            4,
            ReasonCode.PL_ADMIN_LIMIT,
            ("Performers List", "GP Payments & Pensions"),
            '"Each practice can have a maximum of four PL Organisation Adminstrators" '
            "(sic); the authorisers are in the GP Payments & Pensions page's table",
        ),
        RolePolicy(
            OPTO_UA,
            ORDER_OF_PREFERENCE,
            None,
            None,
            ("Ophthalmic Payments",),
            "PCSE's pages list no authorisers for this role: the form offers the same four "
            "capacities, so the same order applies. SPEC §3 sets no limit (the Ophthalmic "
            'Payments page speaks of user admins "to a maximum of four per practice", but '
            "SPEC §5 has no reason code for it)",
        ),
        RolePolicy(
            MAIN_CONTACT,
            ORDER_OF_PREFERENCE,
            1,
            None,
            ("Supplies", "GP Payments & Pensions"),
            '"you can only have one main contact per organisation": a New while one is '
            "active is `USER_ADMIN_EXISTS` (review); applying an Update, or a New a "
            "caseworker approves, deactivates the current one",
            replaces=True,
        ),
    )
}

#: The most active holders per organisation, for the roles that have a limit.
ROLE_LIMITS: dict[str, int] = {
    code: policy.limit for code, policy in ROLE_POLICIES.items() if policy.limit is not None
}

#: Roles whose limit is a reject: the limit, and the reason a New request
#: past it is refused with (read by ``verification.rules.admin_limit``).
ADMIN_LIMITS: dict[str, tuple[int, ReasonCode]] = {
    code: (policy.limit, policy.limit_reason)
    for code, policy in ROLE_POLICIES.items()
    if policy.limit is not None and policy.limit_reason is not None
}


def may_authorise(capacity: str, role_code: str) -> bool:
    """Whether an authoriser in ``capacity`` may authorise ``role_code``.

    >>> may_authorise("ICB", "OPTO_UA"), may_authorise("Partner", "GPP_UA")
    (True, False)
    """
    policy = ROLE_POLICIES.get(role_code)
    return policy is not None and capacity in policy.authorisers


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _limit_text(policy: RolePolicy) -> str:
    if policy.limit is None:
        return "no limit"
    if policy.replaces:
        return f"exactly {policy.limit} (a grant replaces the current holder)"
    refused = (
        f"; a New when {policy.limit} are active: `{policy.limit_reason}` (reject, a hard limit)"
        if policy.limit_reason
        else ""
    )
    return f"at most {policy.limit}{refused}"


def _authorisers_text(policy: RolePolicy) -> str:
    named = ", ".join(policy.authorisers) or "none"
    if policy.authorisers == ORDER_OF_PREFERENCE:
        return f"all four: {named}"
    return named


def render_markdown() -> str:
    """The table as Markdown, as the README prints it (two tables and the pages).

    >>> render_markdown().splitlines()[4]
    '| 1 | GP Partner | GP Partners | an active `gp_partner` row in staff.csv at the organisation |'
    """
    lines = [
        f"Authorisers in order of preference ([{PREFERENCE_PAGE}]({PAGES[PREFERENCE_PAGE]}): "
        f'"{PREFERENCE_WORDS}"):',
        "",
        "| preference | capacity (as the form prints it) | PCSE's words | what ID&V needs |",
        "|---|---|---|---|",
    ]
    for rank, authoriser in enumerate(AUTHORISERS, start=1):
        cells = (str(rank), authoriser.capacity, authoriser.pcse_words, authoriser.check)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += [
        "",
        "| role | code | may be authorised by (preference above) "
        "| active holders per organisation | PCSE's page | note |",
        "|---|---|---|---|---|---|",
    ]
    for code, policy in ROLE_POLICIES.items():
        pages = ", ".join(f"[{title}]({PAGES[title]})" for title in policy.pages)
        cells = (
            ROLES[code].name,
            f"`{code}`",
            _authorisers_text(policy),
            _limit_text(policy),
            pages,
            policy.note,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
