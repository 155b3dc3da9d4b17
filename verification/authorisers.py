"""Rules about who signed the form: ID&V of the authoriser (SPEC §5).

For the organisation's own capacities (GP Partner, Caldicott Guardian, AEL
user) exactly one of these holds for an authoriser email found anywhere:
listed at the organisation and active there in the claimed capacity (pass);
active there but in another capacity (AUTHORISER_CAPACITY_MISMATCH); listed
there but not active (AUTHORISER_INACTIVE); not listed there
(AUTHORISER_OTHER_ORG). ICB authorisers are checked against the named ICB
contacts instead. Which staff role carries a capacity, and the order of
preference, are the authoriser table's (:mod:`verification.policy`).
"""

from __future__ import annotations

from collections.abc import Iterator

from verification.names import NameMatch, compare_names
from verification.policy import CAPACITY_STAFF_ROLE, LAST_RESORT
from verification.reasons import Finding, ReasonCode
from verification.request import Request, is_active, rule, same_email
from verification.roles import AEL_USER, ICB

R = ReasonCode


@rule("authoriser_email")
def authoriser_known(request: Request) -> Iterator[Finding]:
    """AUTHORISER_NOT_FOUND: the email is in none of staff, AEL or ICB contacts.

    Any status, any organisation or ICB counts as found; which capacity was
    claimed does not matter (an ICB authoriser who is nowhere also gets
    ICB_CONTACT_NOT_NAMED).
    """
    if not (request.authoriser_staff or request.authoriser_ael or request.authoriser_icb):
        yield Finding(R.AUTHORISER_NOT_FOUND, "authoriser_email")


@rule("authoriser_email", "authoriser_capacity", needs_org=True)
def authoriser_at_org(request: Request) -> Iterator[Finding]:
    """AUTHORISER_INACTIVE, AUTHORISER_OTHER_ORG or AUTHORISER_CAPACITY_MISMATCH.

    Only for GP Partner, Caldicott Guardian and AEL user; only when the email
    is found somewhere (else AUTHORISER_NOT_FOUND).

    * "Listed at the organisation" means a staff row or an AEL row there, of
      any status. Listed, and no staff row active and no AEL entry active
      there → INACTIVE, whatever their status elsewhere.
    * Not listed there but found elsewhere → OTHER_ORG. The SPEC says "active
      at another"; an email listed only inactive elsewhere, or only as an ICB
      contact, has the same fault (not at this organisation) and gets the
      same code, so every email found somewhere gets exactly one answer.
    * Active there (staff or AEL) but no active row in the claimed capacity
      (an active gp_partner / caldicott_guardian staff row, or an active AEL
      entry there) → CAPACITY_MISMATCH. A partner whose staff row is inactive
      but who is active on the AEL is a mismatch, not inactive: they can sign
      as an AEL user.
    """
    capacity = request.text("authoriser_capacity")
    if capacity == ICB:
        return
    if not (request.authoriser_staff or request.authoriser_ael or request.authoriser_icb):
        return
    code = request.known_org.org_code
    staff = [s for s in request.authoriser_staff if s.org_code == code]
    ael = [a for a in request.authoriser_ael if a.org_code == code]
    active_staff = [s for s in staff if is_active(s.status)]
    active_ael = [a for a in ael if is_active(a.status)]
    if not staff and not ael:
        yield Finding(R.AUTHORISER_OTHER_ORG, "authoriser_email", f"not listed at {code}")
    elif not active_staff and not active_ael:
        yield Finding(R.AUTHORISER_INACTIVE, "authoriser_email", f"inactive at {code}")
    elif capacity == AEL_USER and not active_ael:
        yield Finding(
            R.AUTHORISER_CAPACITY_MISMATCH,
            "authoriser_capacity",
            f"not on {code}'s Authorised Email List",
        )
    elif capacity in CAPACITY_STAFF_ROLE and not any(
        s.staff_role.strip().lower() == CAPACITY_STAFF_ROLE[capacity] for s in active_staff
    ):
        held = ", ".join(sorted({s.staff_role for s in active_staff})) or "AEL user only"
        yield Finding(
            R.AUTHORISER_CAPACITY_MISMATCH,
            "authoriser_capacity",
            f"listed at {code} as {held}, not {capacity}",
        )


@rule("authoriser_email", "authoriser_capacity")
def icb_contact_named(request: Request) -> Iterator[Finding]:
    """ICB_CONTACT_NOT_NAMED: capacity ICB and no *active* named contact row.

    An inactive contact is not named; neither is an email that is not a
    contact at all (which may also be AUTHORISER_NOT_FOUND).
    """
    if request.text("authoriser_capacity") != ICB:
        return
    if not any(is_active(c.status) for c in request.authoriser_icb):
        inactive = "the contact is inactive" if request.authoriser_icb else ""
        yield Finding(R.ICB_CONTACT_NOT_NAMED, "authoriser_email", inactive)


@rule("authoriser_email", "authoriser_capacity", needs_org=True)
def authoriser_icb_is_org_icb(request: Request) -> Iterator[Finding]:
    """ICB_NOT_ORG_ICB: the ICB contact's ICB is not the organisation's ICB.

    Judged on the active contact rows (a person may be named for several
    ICBs: any one matching passes); if none is active, on the inactive ones,
    so a contact both inactive and from another ICB gets both reasons.
    """
    if request.text("authoriser_capacity") != ICB:
        return
    contacts = [c for c in request.authoriser_icb if is_active(c.status)]
    contacts = contacts or request.authoriser_icb
    org_icb = request.known_org.icb_code.strip().upper()
    if contacts and not any(c.icb_code.strip().upper() == org_icb for c in contacts):
        theirs = ", ".join(sorted({c.icb_code for c in contacts}))
        yield Finding(
            R.ICB_NOT_ORG_ICB,
            "authoriser_email",
            f"the authoriser is named for {theirs}; the organisation's ICB is {org_icb}",
        )


@rule("icb_code", "authoriser_capacity", needs_org=True)
def form_icb_is_org_icb(request: Request) -> Iterator[Finding]:
    """ICB_NOT_ORG_ICB: the ICB code written on the form is not the organisation's.

    Separate from :func:`authoriser_icb_is_org_icb` so an unreadable ICB code
    does not hide what the directory says about the contact.
    """
    org_icb = request.known_org.icb_code.strip().upper()
    if request.text("authoriser_capacity") == ICB and request.text("icb_code") != org_icb:
        yield Finding(
            R.ICB_NOT_ORG_ICB,
            "icb_code",
            f"the form gives {request.text('icb_code')}; the organisation's ICB is {org_icb}",
        )


@rule("authoriser_capacity", needs_org=True)
def icb_preferred(request: Request) -> Iterator[Finding]:
    """ICB_NOT_PREFERRED (review): signed in the last resort of the order of
    preference (:data:`verification.policy.LAST_RESORT`, the ICB), yet the
    organisation has an active authoriser in a capacity before it: a GP
    partner, Caldicott Guardian or AEL entry (``has_active_authoriser``)."""
    capacity = request.text("authoriser_capacity")
    if capacity == LAST_RESORT and request.directory.has_active_authoriser(
        request.known_org.org_code
    ):
        yield Finding(R.ICB_NOT_PREFERRED, "authoriser_capacity")


@rule("authoriser_email", "authoriser_name")
def authoriser_name_matches(request: Request) -> Iterator[Finding]:
    """AUTHORISER_NAME_MISMATCH (review): the email is found but no name matches.

    Compared against every named row for the email (staff rows anywhere and
    ICB contacts; AEL rows have no name): a MATCH with any of them passes, as
    one person's name may differ between organisations. CLOSE and DIFFERENT
    both mismatch. An email on the AEL only has no name to compare: nothing.
    """
    names = [s.full_name for s in request.authoriser_staff]
    names += [c.full_name for c in request.authoriser_icb]
    written = request.text("authoriser_name")
    if names and not any(compare_names(written, name) is NameMatch.MATCH for name in names):
        yield Finding(R.AUTHORISER_NAME_MISMATCH, "authoriser_name", names[0])


@rule("authoriser_email", "nominee_email")
def not_self_authorised_by_email(request: Request) -> Iterator[Finding]:
    """SELF_AUTHORISED (review): the authoriser's email is the nominee's."""
    if same_email(request.text("authoriser_email"), request.text("nominee_email")):
        yield Finding(R.SELF_AUTHORISED)


@rule("authoriser_name", "nominee_name")
def not_self_authorised_by_name(request: Request) -> Iterator[Finding]:
    """SELF_AUTHORISED (review): the authoriser's name MATCHes the nominee's.

    Only a MATCH (titles, middle names and order aside) counts: a CLOSE name
    ("John Collins" signing for "Sarah Collins") is a relative or colleague,
    not the same person. Reported once with the email check (no field).
    """
    if compare_names(request.text("authoriser_name"), request.text("nominee_name")) is (
        NameMatch.MATCH
    ):
        yield Finding(R.SELF_AUTHORISED)


RULES = (
    authoriser_known,
    authoriser_at_org,
    icb_contact_named,
    authoriser_icb_is_org_icb,
    form_icb_is_org_icb,
    icb_preferred,
    authoriser_name_matches,
    not_self_authorised_by_email,
    not_self_authorised_by_name,
)
