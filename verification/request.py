"""What a rule sees (:class:`Request`) and how a rule is declared (:func:`rule`).

A rule is a small function ``Request -> Iterable[Finding]`` wrapped by
:func:`rule`, which records the form fields it reads and whether it needs the
organisation. The wrapper enforces the two skipping principles once, so the
rule bodies don't:

* a rule none of whose inputs is *blocked* (empty, invalid or low confidence)
  runs; otherwise it yields nothing. The field's own FIELD_MISSING,
  FIELD_INVALID or LOW_CONFIDENCE finding already speaks for it, so a
  low-confidence field can only lead to review, never to reject or apply.
* a rule that needs the organisation yields nothing when the organisation
  code is not in the directory (ORG_UNKNOWN speaks for it).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from verification.directory import (
    AelEntry,
    Directory,
    IcbContact,
    Organisation,
    RoleHolder,
    StaffRecord,
)
from verification.reasons import Finding
from verification.roles import ROLES


def is_active(status: str) -> bool:
    """Whether a directory status means active (``active``, any case).

    >>> is_active(" Active "), is_active("removed")
    (True, False)
    """
    return status.strip().lower() == "active"


def same_email(a: str, b: str) -> bool:
    """Emails compare case-insensitively after trimming (SPEC §4)."""
    return a.strip().lower() == b.strip().lower()


@dataclass(frozen=True)
class Request:
    """One form's normalised values and the directory, as the rules see them.

    Directory lookups are made once per request and cached.
    """

    fields: Mapping[str, str | bool | None]
    blocked: frozenset[str]
    received: datetime.date
    directory: Directory
    reference: str | None = None

    def text(self, key: str) -> str:
        """The normalised value of a text field ("" when empty)."""
        value = self.fields.get(key)
        return value if isinstance(value, str) else ""

    @cached_property
    def org(self) -> Organisation | None:
        """The directory's organisation for the form's code, if usable and known."""
        if "org_code" in self.blocked:
            return None
        return self.directory.organisation(self.text("org_code"))

    @property
    def known_org(self) -> Organisation:
        """:attr:`org` for rules declared ``needs_org`` (which only run when it is known)."""
        if self.org is None:
            raise LookupError("this rule needs a known organisation")
        return self.org

    @property
    def role_code(self) -> str | None:
        """The §3 role code asked for, or ``None`` when the role is not recognised."""
        role = self.text("role")
        return role if role in ROLES else None

    @property
    def date_signed(self) -> datetime.date:
        """The date signed (only for rules that read ``date_signed``)."""
        return datetime.date.fromisoformat(self.text("date_signed"))

    @cached_property
    def holders(self) -> list[RoleHolder]:
        """Active holders at the organisation of the role asked for."""
        if self.org is None or self.role_code is None:
            return []
        holders = self.directory.role_holders(self.org.org_code, self.role_code)
        return [h for h in holders if is_active(h.status)]

    def nominee_holds_role(self) -> bool:
        """Whether the nominee is one of :attr:`holders`."""
        return any(same_email(h.email, self.text("nominee_email")) for h in self.holders)

    @cached_property
    def authoriser_staff(self) -> list[StaffRecord]:
        """Staff rows with the authoriser's email, anywhere."""
        return self.directory.staff_by_email(self.text("authoriser_email"))

    @cached_property
    def authoriser_ael(self) -> list[AelEntry]:
        """AEL rows with the authoriser's email, anywhere."""
        return self.directory.ael_by_email(self.text("authoriser_email"))

    @cached_property
    def authoriser_icb(self) -> list[IcbContact]:
        """Named ICB contact rows with the authoriser's email."""
        return self.directory.icb_contacts_by_email(self.text("authoriser_email"))


Check = Callable[[Request], Iterable[Finding]]


class Rule:
    """A check together with the fields it reads; call it with a :class:`Request`."""

    def __init__(self, check: Check, inputs: frozenset[str], needs_org: bool) -> None:
        functools.update_wrapper(self, check)
        self.check = check
        self.inputs = inputs
        self.needs_org = needs_org

    def __call__(self, request: Request) -> list[Finding]:
        """The rule's findings, or none when an input is blocked or the org unknown."""
        if self.inputs & request.blocked:
            return []
        if self.needs_org and request.org is None:
            return []
        return list(self.check(request))

    def __repr__(self) -> str:
        return f"<rule {self.check.__name__} reads {sorted(self.inputs)}>"


def rule(*inputs: str, needs_org: bool = False) -> Callable[[Check], Rule]:
    """Declare a rule reading the form fields ``inputs`` (see module docstring)."""

    def wrap(check: Check) -> Rule:
        org_inputs = {"org_code"} if needs_org else set()
        return Rule(check, frozenset(inputs) | org_inputs, needs_org)

    return wrap
