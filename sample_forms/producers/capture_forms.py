"""What the captured-paper forms say: one organisation per form, as written.

The typed forms use mixed case as a practice types them; the handwritten
ones are in block capitals, the way a person fills a paper form, so their
ground truth is the capitals as written.
"""

from __future__ import annotations

from sample_forms.producers.forms import Values, values


def _email(name: str) -> str:
    first, last = name.removeprefix("Dr ").removeprefix("DR ").lower().replace("'", "").split()[-2:]
    email = f"{first}.{last}@nhs.net"
    return email.upper() if name.isupper() else email


def practice(
    org: tuple[str, str],
    role: str,
    nominee: tuple[str, str | None],
    authoriser: tuple[str, str],
    date: str,
    *,
    requester: str | None = None,
    request_type: str = "New",
    authoriser_email: str | None = None,
    icb_code: str | None = None,
    signed: bool = True,
    ticked: bool = True,
) -> Values:
    """One form's values; emails follow ``first.last@nhs.net`` unless given."""
    nominee_name, job = nominee
    requester = requester or nominee_name
    name, capacity = authoriser
    return values(
        signed,
        ticked,
        org_name=org[0],
        org_code=org[1],
        role=role,
        request_type=request_type,
        nominee_name=nominee_name,
        nominee_email=_email(nominee_name),
        nominee_job_title=job,
        requester_name=requester,
        requester_email=_email(requester),
        authoriser_name=name,
        authoriser_email=authoriser_email or _email(name),
        authoriser_capacity=capacity,
        icb_code=icb_code,
        date_signed=date,
    )


GPP = "GPP Practice User Administrator"
PL = "PL Organisation User Administrator"
OPTO = "Opto User Management (Organisation)"
AEL = "Authorised Email List (AEL) user"

KESTREL = practice(
    ("Kestrel Way Surgery", "B84011"),
    GPP,
    ("Aaron Mills", "Practice Manager"),
    ("Dr Claire Foster", "GP Partner"),
    "03/11/2026",
)
LINDEN = practice(
    ("Linden Court Dental Practice", "V01452"),
    PL,
    ("Megan Doyle", "Dental Nurse Manager"),
    ("Farah Iqbal", "Caldicott Guardian"),
    "7 November 2026",
)
MAPLE = practice(
    ("Maple Grove Medical Centre", "B84021"),
    "Main Contact",
    ("Peter Shaw", "Operations Manager"),
    ("Dr Owen Hughes", "GP Partner"),
    "10/11/2026",
    requester="Lisa Grant",
    request_type="Update",
)
NORBURY = practice(
    ("Norbury Eye Centre", "C84022"),
    OPTO,
    ("Sophie Lane", "Optical Manager"),
    ("Imran Malik", AEL),
    "12 Nov 2026",
    authoriser_email="norbury.ael@nhs.net",
)
OAKFIELD = practice(
    ("Oakfield Surgery", "B84031"),
    PL,
    ("Jack Reed", "Practice Manager"),
    ("Dr Mary Coles", "Caldicott Guardian"),
    "2026-11-04",
)
POPLAR = practice(
    ("Poplar Street Practice", "B84032"),
    GPP,
    ("Neil Carter", "Reception Lead"),
    ("Dr Ian Ross", "GP Partner"),
    "29/10/2026",
    requester="Amy Walsh",
    request_type="Remove",
)
QUAYSIDE = practice(
    ("Quayside Dental Care", "V01453"),
    PL,
    ("Tara Quinn", None),
    ("Colin Mason", "ICB"),
    "6 Nov 2026",
    icb_code="QKS",
)
ROWAN = practice(
    ("Rowan Medical Practice", "B84041"),
    GPP,
    ("Gemma Ford", "Practice Manager"),
    ("Dr Paul Nash", "GP Partner"),
    "05/11/2026",
)
SYCAMORE = practice(
    ("Sycamore Opticians", "C84042"),
    PL,
    ("Ben Hale", "Dispensing Optician"),
    ("Ruth Lowe", "Caldicott Guardian"),
    "9 November 2026",
)
THORNBURY = practice(
    ("Thornbury Health Centre", "B84051"),
    "Main Contact",
    ("Kate Bishop", "Practice Manager"),
    ("Dr Sam Webb", "GP Partner"),
    "13/11/2026",
    request_type="Update",
)
UPTON = practice(
    ("Upton Family Dentistry", "V01454"),
    PL,
    ("Leo Barnes", "Practice Administrator"),
    ("Nadia Khan", AEL),
    "2026-11-09",
    authoriser_email="upton.ael@nhs.net",
)
VALE_VIEW = practice(
    ("VALE VIEW SURGERY", "B84061"),
    "GPP PRACTICE USER ADMINISTRATOR",
    ("JOHN DAVIES", "PRACTICE MANAGER"),
    ("DR ALICE GRAY", "GP PARTNER"),
    "14/11/2026",
    request_type="NEW",
)
WILLOW_BANK = practice(
    ("WILLOW BANK OPTICIANS", "C84062"),
    "PL ORGANISATION USER ADMINISTRATOR",
    ("SARA OKAFOR", "RECEPTIONIST"),
    ("DEREK HOLT", "CALDICOTT GUARDIAN"),
    "3 NOV 2026",
    request_type="NEW",
)
ASH_GROVE = practice(
    ("Ash Grove Surgery", "B84071"),
    GPP,
    ("Rachel Stone", "Practice Manager"),
    ("Dr Tom Ellis", "GP Partner"),
    "02/11/2026",
)
BIRCHWOOD = practice(
    ("Birchwood Medical Centre", "B84072"),
    PL,
    ("Hugo Bennett", "Business Manager"),
    ("Dr Jane Cooper", "Caldicott Guardian"),
    "4 November 2026",
    requester="Fay Morton",
)
CASTLE = practice(
    ("Castle Dental Studio", "V01455"),
    PL,
    ("Ellie Vaughan", "Practice Manager"),
    ("Omar Farouk", AEL),
    "6 Nov 2026",
    authoriser_email="castle.ael@nhs.net",
)
DOVECOTE = practice(
    ("Dovecote Practice", "B84073"),
    "Main Contact",
    ("Martin Lowry", "Practice Manager"),
    ("Dr Helen Kerr", "GP Partner"),
    "2026-11-05",
    request_type="Update",
)
EASTGATE = practice(
    ("Eastgate Opticians", "C84074"),
    OPTO,
    ("Nicola Page", "Optometrist"),
    ("Andrew Bell", "Caldicott Guardian"),
    "11/11/2026",
)
FOXLEY = practice(
    ("Foxley Surgery", "B84075"),
    GPP,
    ("Zoe Harper", "Practice Manager"),
    ("Dr Raj Mehta", "GP Partner"),
    "8 Nov 2026",
    ticked=False,
)
GRANARY = practice(
    ("Granary Medical Group", "B84076"),
    PL,
    ("Carl Dawson", "Data Quality Lead"),
    ("Wendy Fisher", "ICB"),
    "10 November 2026",
    icb_code="QHM",
)
HEATHFIELD = practice(
    ("Heathfield Eye Care", "C84077"),
    OPTO,
    ("Ian Royle", None),
    ("Dr Lucy Greaves", "Caldicott Guardian"),
    "12/11/2026",
)
COBBLERS_ROW = practice(
    ("Cobblers Row Surgery", "B84013"),
    GPP,
    ("Declan Murphy", "Assistant Practice Manager"),
    ("Dr Harriet Wade", "GP Partner"),
    "16/11/2026",
)
COPPERFIELD = practice(
    ("Copperfield Opticians", "C84014"),
    OPTO,
    ("Priti Desai", "Optical Assistant"),
    ("Graham Tully", "Caldicott Guardian"),
    "17 November 2026",
    request_type="Update",
)
HARBOURSIDE = practice(
    ("Harbourside Dental Practice", "V01456"),
    PL,
    ("Chloe Whitmore", "Treatment Coordinator"),
    ("Yusuf Demir", AEL),
    "2026-11-18",
    authoriser_email="harbourside.ael@nhs.net",
)
FERRYBRIDGE = practice(
    ("Ferrybridge Medical Practice", "B84023"),
    "Main Contact",
    ("Owain Pritchard", "Practice Manager"),
    ("Dr Kwame Mensah", "GP Partner"),
    "12/11/2026",
    requester="Bethan Rees",
)
KINGFISHER = practice(
    ("Kingfisher Opticians", "C84024"),
    OPTO,
    ("Alison Croft", "Store Manager"),
    ("Dr Fiona Maclean", "Caldicott Guardian"),
    "14 Nov 2026",
    request_type="Remove",
)
WRENFIELD = practice(
    ("Wrenfield Dental Surgery", "V01457"),
    PL,
    ("Marek Nowak", "Practice Administrator"),
    ("Joanna Pike", "ICB"),
    "13 November 2026",
    icb_code="QOX",
)
GREENHILL = practice(
    ("Greenhill Surgery", "B84033"),
    PL,
    ("Siobhan O'Connor", "Practice Manager"),
    ("Dr Femi Adeyemi", "Caldicott Guardian"),
    "05/11/2026",
)
WESTBOURNE = practice(
    ("Westbourne Eye Clinic", "C84034"),
    OPTO,
    ("Callum Fraser", "Dispensing Optician"),
    ("Anjali Menon", AEL),
    "8 Nov 2026",
    authoriser_email="westbourne.ael@nhs.net",
)
HOLLYBUSH = practice(
    ("Hollybush Medical Centre", "B84043"),
    GPP,
    ("Rhys Morgan", "IT Lead"),
    ("Dr Catherine Ashworth", "GP Partner"),
    "11 Nov 2026",
)
LAKESIDE = practice(
    ("Lakeside Opticians", "C84044"),
    PL,
    ("Jasmine Kaur", "Optical Assistant"),
    ("Patrick Byrne", "Caldicott Guardian"),
    "2026-11-06",
    request_type="Update",
)
AMBERLEY = practice(
    ("Amberley Dental Practice", "V01458"),
    PL,
    ("Ewan Stewart", None),
    ("Lorna Baxter", "ICB"),
    "18/11/2026",
    icb_code="QE1",
)
RAVENSCROFT = practice(
    ("Ravenscroft Surgery", "B84053"),
    "Main Contact",
    ("Deborah Hart", "Practice Manager"),
    ("Dr Victor Osei", "GP Partner"),
    "15 November 2026",
    requester="Mohammed Rahman",
    request_type="Update",
)
BRIGHTWATER = practice(
    ("Brightwater Opticians", "C84054"),
    OPTO,
    ("Natalie Brooks", "Optometrist"),
    ("Simon Pryce", "Caldicott Guardian"),
    "04/11/2026",
)
HILLCREST = practice(
    ("Hillcrest Dental Care", "V01459"),
    PL,
    ("Kieran Doherty", "Practice Manager"),
    ("Agnieszka Kowalska", "Caldicott Guardian"),
    "9 Nov 2026",
    request_type="Remove",
)
