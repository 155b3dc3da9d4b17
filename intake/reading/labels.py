"""The printed labels of SPEC §2 and lenient matching of text against them.

Both readers use this table: the layout reader matches it against words on
the page, the AcroForm reader against field names. Matching works on
*tokens*: lower-case words with punctuation stripped, ``E-mail`` read as
``email`` and American spellings read as British ones.

>>> tokens("Nominee E-mail Address:")
('nominee', 'email', 'address')
>>> key_for_name("Organisation Code (ODS)")
'org_code'
>>> key_for_name("form1[0].nominee_email[0]")
'nominee_email'
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from intake.reading.model import FIELD_KEYS, FORM_TITLE
from verification.fields import FIELD_LABELS

#: Labels other forms print beside the SPEC's (verification.fields.FIELD_LABELS).
_VARIANTS: dict[str, tuple[str, ...]] = {
    "org_code": ("Organisation code", "ODS code"),
    "role": ("User Administration role",),
    "nominee_name": ("Nominee name",),
    "nominee_email": ("Nominee email",),
    "requester_name": ("Requester full name",),
    "requester_email": ("Requester email",),
    "authoriser_name": ("Authoriser name",),
    "authoriser_email": ("Authoriser email",),
}
#: Labels that hold the SPEC's label and say more; tried before it.
_LONGER: dict[str, tuple[str, ...]] = {"icb_code": ("ICB code (ICB authorisers only)",)}

#: Printed labels per key: the SPEC label (or a longer form of it) first,
#: then common variants.
LABELS: dict[str, tuple[str, ...]] = {
    key: (*_LONGER.get(key, ()), label, *_VARIANTS.get(key, ()))
    for key, label in FIELD_LABELS.items()
}

#: The first words of the declaration sentence, which follows the tick box.
DECLARATION_START: tuple[str, ...] = ("i", "confirm")

_SPELLINGS = (
    (re.compile(r"e-mail"), "email"),
    # OCR's commonest slip: a capital I read as a bar or a one starting a
    # word ("(|CB", "(1CB" for "(ICB").
    (re.compile(r"(?<![a-z0-9])\|(?=[a-z])|(?<![a-z0-9])1(?=[a-z]+\W*$)"), "i"),
    (re.compile(r"organiz"), "organis"),
    (re.compile(r"authoriz"), "authoris"),
)
_NOT_ALNUM = re.compile(r"[^a-z0-9@.]")


def token(word: str) -> str:
    """One word as a comparable token ("" for punctuation only).

    >>> token("(ODS):"), token("Organization"), token(":"), token("(|CB"), token("(1CB")
    ('ods', 'organisation', '', 'icb', 'icb')
    """
    text = word.lower()
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return _NOT_ALNUM.sub("", text).strip(".")


def tokens(text: str) -> tuple[str, ...]:
    """The non-empty tokens of ``text``, split on spaces and underscores."""
    words = re.split(r"[\s_]+", text)
    return tuple(t for t in (token(w) for w in words) if t)


TITLE_TOKENS: tuple[str, ...] = tokens(FORM_TITLE)

#: (label tokens, key), longest label first so "Authoriser email address"
#: wins over any shorter label sharing its first words.
LABEL_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    sorted(
        ((tokens(label), key) for key, labels in LABELS.items() for label in labels),
        key=lambda pattern: -len(pattern[0]),
    )
)


#: Every word the form prints in its labels, title, declaration and the
#: values it allows ("Authorised" of "Authorised Email List (AEL) user" is
#: not a misread "Authoriser").
FORM_WORDS: frozenset[str] = frozenset(
    t for pattern, _ in LABEL_PATTERNS for t in pattern
) | frozenset(
    tokens(
        " ".join(
            (
                FORM_TITLE,
                "I confirm that the role requested is appropriate for the organisation that the "
                "nominee has a legitimate reason to access PCSE Online and that this request "
                "aligns with information governance requirements",
                "New Update Remove GP Partner Caldicott Guardian",
                "Authorised Email List AEL user ICB",
                "GPP Practice User Administrator PL Organisation Opto Management Main Contact",
            )
        )
    )
)


def match_label(
    line_tokens: tuple[str, ...], start: int, lenient: bool = False
) -> tuple[str, int] | None:
    """The label beginning at ``line_tokens[start]``: ``(key, tokens used)``.

    ``lenient`` (words read by OCR): a word of five or six letters may be one
    letter off, a longer one two ("Nommee" for "Nominee"), and words may run
    together ("fullname"); the labels are a short, fixed
    list printed on the form, so a slip cannot make one label another.

    >>> match_label(("authoriser", "email", "address", "x@y.uk"), 0)
    ('authoriser_email', 3)
    >>> match_label(("requester", "email", "x@y.uk"), 0)
    ('requester_email', 2)
    >>> match_label(("nommee", "email", "address"), 0), match_label(("nommee", "email"), 0, True)
    (None, ('nominee_email', 2))
    >>> match_label(("authoriser", "fullname", "dr"), 0, lenient=True)
    ('authoriser_name', 2)
    >>> match_label(("user", "administr", "ator", "role", "opto"), 0, lenient=True)
    ('role', 4)
    """
    for pattern, key in LABEL_PATTERNS:
        if line_tokens[start : start + len(pattern)] == pattern:
            return key, len(pattern)
    if not lenient:
        return None
    for pattern, key in LABEL_PATTERNS:
        found = line_tokens[start : start + len(pattern)]
        if len(found) == len(pattern) and all(map(near_word, found, pattern)):
            return key, len(pattern)
    # Words OCR ran together ("fullname") or split ("ADMINISTR ATOR"): the
    # letters of the label, joined.
    for pattern, key in LABEL_PATTERNS:
        printed = "".join(pattern)
        for used in range(1, len(pattern) + 2):
            if used == len(pattern):
                continue  # word for word, tried above
            found = line_tokens[start : start + used]
            if len(found) == used and near_word("".join(found), printed):
                return key, used
    return None


def near_word(seen: str, printed: str) -> bool:
    """Whether OCR's ``seen`` may be the form's word ``printed``: the same, or
    (five letters or more) a letter off, two for seven letters or more, and
    not itself another word the form prints.

    >>> near_word("contirm", "confirm"), near_word("authorised", "authoriser")
    (True, False)
    """
    if seen == printed or len(printed) < 5 or seen in FORM_WORDS:
        return seen == printed  # a word the form prints is never a misreading
    return Levenshtein.distance(seen, printed) <= (1 if len(printed) < 7 else 2)


def label_words(key: str) -> frozenset[str]:
    """Every token of any of ``key``'s labels.

    >>> sorted(label_words("icb_code"))
    ['authorisers', 'code', 'icb', 'only']
    """
    return frozenset(t for pattern, k in LABEL_PATTERNS if k == key for t in pattern)


def is_label_tail(key: str, line_tokens: tuple[str, ...]) -> bool:
    """Whether ``line_tokens`` are the end of one of ``key``'s labels, wrapped
    onto the next line ("authorisers only)" under "ICB code (ICB").

    >>> is_label_tail("icb_code", ("authorisers", "only"))
    True
    >>> is_label_tail("icb_code", ("qwe",))
    False
    """
    present = tuple(t for t in line_tokens if t)
    return bool(present) and any(
        len(pattern) > len(present) and pattern[-len(present) :] == present
        for pattern, pattern_key in LABEL_PATTERNS
        if pattern_key == key
    )


def key_for_name(name: str) -> str | None:
    """The SPEC key an AcroForm field name stands for, or ``None``.

    Accepts the key itself (``org_code``) or a printed label, and ignores the
    hierarchy prefixes and ``[0]`` indices some form designers add.
    """
    last = re.sub(r"\[\d+\]", "", name).strip().rstrip(":").strip()
    if "." in last and "(" not in last:
        last = last.rsplit(".", 1)[-1]
    if last.lower() in FIELD_KEYS:
        return last.lower()
    wanted = tokens(last)
    for pattern, key in LABEL_PATTERNS:
        if wanted == pattern:
            return key
    return None
