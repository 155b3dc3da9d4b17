"""What each producer-corpus form says: the raw values, written by a person.

The producer corpus tests *reading* (every field against ground truth); it is
not pushed through the pipeline, so its people need not be in the sample
directory. Each form has its own organisation and role all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sample_forms.scenarios import form

Values = Mapping[str, str | bool | None]


@dataclass(frozen=True)
class Doc:
    """One producer-corpus PDF: its forms' values and how it is laid out."""

    file: str  # path under sample_forms/producers/
    producer: str
    layout: str
    about: str
    forms: tuple[Values, ...]
    options: Mapping[str, str] = field(default_factory=dict)
    #: The reading class the file belongs to (``text``, ``acroform``,
    #: ``annotation``, ``scan``, ``photo``...): the benchmark reports per class,
    #: and :data:`sample_forms.producers.catalogue.IMAGE_KINDS` are held to
    #: "right or flagged" rather than "exact".
    kind: str = ""
    #: Values a hidden text layer claims, where they differ from the page
    #: (a lying OCR layer): the reader must never decide on them.
    hidden: tuple[Values, ...] = ()
    #: A clean typed form captured as an image: counted in ``automation_rate``.
    typed: bool = False


def values(signed: bool = True, ticked: bool = True, **text: str | None) -> Values:
    """All SPEC keys: text as given, the signature and tick as booleans."""
    raw = form(**text)
    raw["signature"], raw["declaration"] = signed, ticked
    return raw


ASHFORD = values(
    org_name="Ashford Road Surgery",
    org_code="B82001",
    role="GPP Practice User Administrator",
    request_type="New",
    nominee_name="Priya Sharma",
    nominee_email="priya.sharma@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Priya Sharma",
    requester_email="priya.sharma@nhs.net",
    authoriser_name="Dr David Owen",
    authoriser_email="david.owen@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="02/11/2026",
)
BAYVIEW = values(
    org_name="Bayview Dental Practice",
    org_code="V00456",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Lucy Turner",
    nominee_email="lucy.turner@nhs.net",
    nominee_job_title="Dental Practice Manager",
    requester_name="Lucy Turner",
    requester_email="Lucy.Turner@NHS.net",
    authoriser_name="Ahmed Hassan",
    authoriser_email="ahmed.hassan@nhs.net",
    authoriser_capacity="Caldicott Guardian",
    date_signed="9 October 2026",
)
CEDAR = values(
    org_name="Cedar House Medical Practice and Minor Injuries Unit at Eastfield Community Hospital",
    org_code="B82003",
    role="Main Contact",
    request_type="Update",
    nominee_name="Michael O'Brien",
    nominee_email="michael.obrien@nhs.net",
    nominee_job_title="Deputy Practice Manager responsible for Records and Supplies at the "
    "Eastfield site",
    requester_name="Joanne Fisher",
    requester_email="joanne.fisher@nhs.net",
    authoriser_name="Karen Lloyd",
    authoriser_email="cedar.ael@nhs.net",
    authoriser_capacity="Authorised Email List (AEL) user",
    date_signed="2026-11-12",
)
DALE = values(
    signed=False,
    org_name="Dale Vision Opticians",
    org_code="C83002",
    role="Opto User Management (Organisation)",
    request_type="New",
    nominee_name="Hannah Cole",
    nominee_email="hannah.cole@nhs.net",
    nominee_job_title=None,
    requester_name="Hannah Cole",
    requester_email="hannah.cole@nhs.net",
    authoriser_name="Martin Shaw",
    authoriser_email="martin.shaw@nhs.net",
    authoriser_capacity="ICB",
    icb_code="QRS",
    date_signed="28 Oct 2026",
)
ELM = values(
    ticked=False,
    org_name="Elm Tree Health Centre",
    org_code="B82005",
    role="PL Organisation User Administrator",
    request_type="Remove",
    nominee_name="Steven Ward",
    nominee_email="steven.ward@nhs.net",
    nominee_job_title="Business Manager",
    requester_name="Rebecca Hill",
    requester_email="rebecca.hill@nhs.net",
    authoriser_name="Dr Alan Price",
    authoriser_email="alan.price@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="15/10/2026",
)
FERN = values(
    org_name="Fernhill Family Practice",
    org_code="B82006",
    role="GPP Practice User Administrator",
    request_type="New",
    nominee_name="Olivia Marsh",
    nominee_email="olivia.marsh@nhs.net",
    nominee_job_title="Practice Administrator",
    requester_name="Olivia Marsh",
    requester_email="olivia.marsh@nhs.net",
    authoriser_name="Dr Nadia Ahmed",
    authoriser_email="nadia.ahmed@nhs.net",
    authoriser_capacity="Caldicott Guardian",
    date_signed="5 November 2026",
)
GLEN = values(
    org_name="Glenside Opticians",
    org_code="C83007",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Ravi Patel",
    nominee_email="ravi.patel@nhs.net",
    nominee_job_title="Optical Assistant",
    requester_name="Ravi Patel",
    requester_email="ravi.patel@nhs.net",
    authoriser_name="Susan Blake",
    authoriser_email="glenside.ael@nhs.net",
    authoriser_capacity="Authorised Email List (AEL) user",
    date_signed="11/11/2026",
)

#: A second set, one per producer slot, so no two forms repeat a request.
_SECOND = {
    "chromium": ("Harbour", "B82101"),
    "writer": ("Ivy Lane", "B82201"),
    "acroform": ("Juniper", "B82301"),
}


def second(producer: str, base: Values) -> Values:
    """``base`` moved to another practice, for a second form in one document."""
    name, code = _SECOND[producer]
    out = dict(base)
    out["org_name"] = f"{name} Surgery"
    out["org_code"] = code
    return out
