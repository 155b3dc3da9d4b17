"""Realistic forms for the verify benchmark, built from a generated directory.

Each form is one scenario of SPEC §5 aimed at real rows of the directory
(an active GP partner of the practice, someone inactive there, a partner of
another practice, an email nobody has, ...), so every lookup walks an index
to a row or to the place a row would be.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from bench.make_directory import DirectoryInfo, OrgSample, Person

RECEIVED = datetime.date(2026, 11, 20)
ROLE_NAMES = {
    "GPP_UA": "GPP Practice User Administrator",
    "PL_UA": "PL Organisation User Administrator",
    "OPTO_UA": "Opto User Management (Organisation)",
    "MAIN_CONTACT": "Main Contact",
}
ROLES_FOR_TYPE = {
    "gp_practice": ("GPP_UA", "GPP_UA", "MAIN_CONTACT", "PL_UA"),
    "optometry": ("OPTO_UA", "PL_UA"),
    "dental": ("PL_UA",),
    "pharmacy": ("PL_UA",),  # ROLE_NOT_FOR_ORG_TYPE
}
GP_PARTNER = "GP Partner"
CALDICOTT = "Caldicott Guardian"
AEL_USER = "Authorised Email List (AEL) user"
ICB = "ICB"

Form = dict[str, str | bool | None]
Builder = Callable[[random.Random, DirectoryInfo, OrgSample], Form | None]


def _active(org: OrgSample, *roles: str) -> list[Person]:
    return [p for p in org.staff if p.status == "active" and (not roles or p.role in roles)]


def _plain(name: str) -> str:
    return name.removeprefix("Dr ")


def _form(
    rng: random.Random,
    org: OrgSample,
    nominee: Person,
    authoriser: Person,
    capacity: str,
    *,
    role: str | None = None,
    request_type: str = "New",
) -> Form:
    role = role or rng.choice(ROLES_FOR_TYPE[org.org_type])
    signed = RECEIVED - datetime.timedelta(days=rng.randint(0, 60))
    return {
        "org_name": org.name,
        "org_code": org.org_code,
        "role": ROLE_NAMES[role],
        "request_type": request_type,
        "nominee_name": _plain(nominee.full_name),
        "nominee_email": nominee.email,
        "nominee_job_title": "Practice Manager",
        "requester_name": _plain(nominee.full_name),
        "requester_email": nominee.email,
        "authoriser_name": _plain(authoriser.full_name),
        "authoriser_email": authoriser.email,
        "authoriser_capacity": capacity,
        "icb_code": org.icb_code if capacity == ICB else None,
        "signature": True,
        "date_signed": signed.strftime("%d/%m/%Y"),
        "declaration": True,
    }


def _nominee(rng: random.Random, org: OrgSample, authoriser: Person) -> Person | None:
    others = [p for p in _active(org) if p.email != authoriser.email]
    return rng.choice(others) if others else None


def _by_staff_role(role: str, capacity: str) -> Builder:
    def build(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
        people = _active(org, role)
        if org.status != "active" or not people:
            return None
        authoriser = rng.choice(people)
        nominee = _nominee(rng, org, authoriser)
        return nominee and _form(rng, org, nominee, authoriser, capacity)

    return build


def _ael(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    entries = [a for a in org.ael if a.status == "active"]
    if not entries:
        return None
    entry = rng.choice(entries)
    authoriser = Person("Practice Office", entry.email)
    nominee = _nominee(rng, org, authoriser)
    return nominee and _form(rng, org, nominee, authoriser, AEL_USER)


def _icb(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    icb = next(i for i in info.icb_contacts if i.org_code == org.icb_code)
    contacts = [c for c in icb.staff if c.status == "active"]
    nominee = _nominee(rng, org, Person("", ""))
    if not contacts or nominee is None:
        return None
    return _form(rng, org, nominee, rng.choice(contacts), ICB)


def _inactive(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    active = {p.email for p in [*_active(org), *org.ael] if p.status == "active"}
    gone = [p for p in org.staff if p.status == "inactive" and p.email not in active]
    nominee = _nominee(rng, org, Person("", ""))
    if not gone or nominee is None:
        return None
    return _form(rng, org, nominee, rng.choice(gone), GP_PARTNER)


def _other_org(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    other = rng.choice(info.samples)
    partners = _active(other, "gp_partner")
    nominee = _nominee(rng, org, Person("", ""))
    if other.org_code == org.org_code or not partners or nominee is None:
        return None
    return _form(rng, org, nominee, rng.choice(partners), GP_PARTNER)


def _not_found(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    nominee = _nominee(rng, org, Person("", ""))
    stranger = Person("Alex Nobody", f"alex.nobody{rng.randrange(10**6)}@nhs.net")
    return nominee and _form(rng, org, nominee, stranger, GP_PARTNER)


def _nominee_elsewhere(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    form = _by_staff_role("gp_partner", GP_PARTNER)(rng, info, org)
    if form is None:
        return None
    stranger = f"new.starter{rng.randrange(10**6)}@nhs.net"
    return form | {"nominee_email": stranger, "requester_email": stranger}


def _works_elsewhere(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    """Authorised by someone who also appears at another organisation."""
    people = [p for p in org.staff if p.email in set(org.elsewhere)]
    nominee = _nominee(rng, org, Person("", ""))
    if not people or nominee is None:
        return None
    return _form(rng, org, nominee, rng.choice(people), GP_PARTNER)


def _main_contact_update(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    partners = _active(org, "gp_partner")
    if org.org_type != "gp_practice" or not partners:
        return None
    authoriser = rng.choice(partners)
    nominee = _nominee(rng, org, authoriser)
    if nominee is None:
        return None
    return _form(
        rng, org, nominee, authoriser, GP_PARTNER, role="MAIN_CONTACT", request_type="Update"
    )


def _unknown_org(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    form = _by_staff_role("gp_partner", GP_PARTNER)(rng, info, org)
    return form and form | {"org_code": f"Z{rng.randrange(10**5):05d}"}  # no code starts with Z


def _closed_org(rng: random.Random, info: DirectoryInfo, org: OrgSample) -> Form | None:
    if org.status != "closed" or not org.staff:
        return None
    authoriser = org.staff[0]
    nominee = _nominee(rng, org, authoriser) or authoriser
    return _form(rng, org, nominee, authoriser, GP_PARTNER)


#: Scenario -> (builder, weight).
SCENARIOS: dict[str, tuple[Builder, int]] = {
    "gp_partner": (_by_staff_role("gp_partner", GP_PARTNER), 28),
    "caldicott_guardian": (_by_staff_role("caldicott_guardian", CALDICOTT), 8),
    "ael_user": (_ael, 8),
    "icb": (_icb, 5),
    "authoriser_inactive": (_inactive, 8),
    "authoriser_other_org": (_other_org, 8),
    "authoriser_not_found": (_not_found, 8),
    "capacity_mismatch": (_by_staff_role("salaried_gp", GP_PARTNER), 6),
    "nominee_not_at_org": (_nominee_elsewhere, 6),
    "authoriser_works_elsewhere": (_works_elsewhere, 5),
    "main_contact_update": (_main_contact_update, 4),
    "org_unknown": (_unknown_org, 3),
    "org_closed": (_closed_org, 3),
}


def build_forms(info: DirectoryInfo, count: int = 500, seed: int = 1) -> list[tuple[str, Form]]:
    """``count`` forms (scenario, values), the same for the same directory and seed.

    A scenario the sample organisations cannot give (say, no closed one)
    falls back to a GP partner's form.
    """
    rng = random.Random(f"forms-{seed}")
    names = list(SCENARIOS)
    weights = [SCENARIOS[n][1] for n in names]
    forms: list[tuple[str, Form]] = []
    while len(forms) < count:
        name = rng.choices(names, weights)[0]
        for _ in range(200):
            form = SCENARIOS[name][0](rng, info, rng.choice(info.samples))
            if form:
                forms.append((name, form))
                break
        else:
            names.remove(name)
            weights = [SCENARIOS[n][1] for n in names]
    return forms
