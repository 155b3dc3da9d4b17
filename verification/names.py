"""Lenient comparison of people's and organisations' names (SPEC §4).

People: :func:`compare_names` ignores case, spacing, punctuation, accents,
titles ("Dr", "Mrs", "Prof"...), post-nominals ("MBE", "MRCGP"...), a middle
name (or initial) present on one side only, and order ("Collins, Sarah").
Anything less than that is not a certain match:

* ``MATCH``: same first and last name, after the cleaning above, and middle
  names that agree where both sides have them (an initial agrees with a name
  it starts).
* ``CLOSE`` (review, never a pass): the same surname with another first name
  or an initial, different middle names, a single name on one side, or a
  rapidfuzz ``token_sort_ratio`` of at least :data:`CLOSE_SCORE` (0..100) on
  "first last" (a typo such as "Sara Colins").
* ``DIFFERENT``: everything else.

Organisations: :func:`org_names_match`.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from rapidfuzz import fuzz

#: token_sort_ratio (0..100) from which two names that are not a MATCH are CLOSE.
CLOSE_SCORE = 80

#: ratio (0..100) from which two words of organisation names match.
ORG_MATCH_SCORE = 85

TITLES = frozenset(
    {
        "dr",
        "doctor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sir",
        "dame",
        "lady",
        "lord",
        "rev",
        "revd",
        "reverend",
        "fr",
        "father",
        "sister",
    }
)
POST_NOMINALS = frozenset(
    {
        "jr",
        "jnr",
        "sr",
        "snr",
        "mbe",
        "obe",
        "cbe",
        "frcgp",
        "mrcgp",
        "frcp",
        "mrcp",
        "mbbs",
        "mbchb",
        "bm",
        "bch",
        "phd",
        "msc",
        "bsc",
        "ba",
        "ma",
        "rgn",
        "rn",
    }
)
#: Words that say what kind of premises an organisation is, by kind (after
#: "&" -> "and", punctuation dropped and :data:`ORG_SPELLINGS`). A GP
#: practice's own words ("Surgery", "Practice", "Medical Practice", "Medical
#: Centre") are one kind: practices use them interchangeably for their own
#: premises. A health centre is another (it often houses several practices,
#: SPEC §4), and so are clinics, hospitals, pharmacies, opticians and
#: dentists. "Dental Surgery" is a dentist's, not a GP surgery: the longest
#: phrase is read first. "Family" ("Riverside Family Practice") is part of
#: the name, not of the kind.
PREMISES_KINDS: dict[str, tuple[str, ...]] = {
    "gp practice": (
        "surgery",
        "surgeries",
        "practice",
        "medical practice",
        "medical centre",
        "general practice",
        "gp practice",
        "gp surgery",
        "doctors surgery",
    ),
    "health centre": (
        "health centre",
        "healthcare centre",
        "health care centre",
        "primary care centre",
    ),
    "clinic": ("clinic", "polyclinic"),
    "hospital": ("hospital", "infirmary"),
    "pharmacy": ("pharmacy", "pharmacies", "chemist", "chemists"),
    "optical practice": (
        "opticians",
        "optician",
        "optometrists",
        "optometrist",
        "optometry",
        "optical",
        "optical practice",
        "eyecare",
        "eye care",
    ),
    "dental practice": (
        "dental",
        "dental practice",
        "dental surgery",
        "dental care",
        "dental centre",
        "dental clinic",
        "dentist",
        "dentists",
        "dentistry",
    ),
}
#: Words that say neither which organisation nor what kind of premises.
ORG_FILLER = frozenset(
    {
        "the",
        "and",
        "gp",
        "group",
        "medical",
        "health",
        "healthcare",
        "centre",
        "partners",
        "partnership",
        "ltd",
        "limited",
        "llp",
    }
)
#: Abbreviations and spellings read as the words they stand for.
ORG_SPELLINGS = {
    "st": "saint",
    "center": "centre",
    "ctr": "centre",
    "hc": "health centre",
    "mc": "medical centre",
}

_KIND_OF_PHRASE = {phrase: kind for kind, phrases in PREMISES_KINDS.items() for phrase in phrases}
_LONGEST_PHRASE = max(len(phrase.split()) for phrase in _KIND_OF_PHRASE)


class NameMatch(enum.StrEnum):
    """How alike two people's names are."""

    MATCH = "match"
    CLOSE = "close"
    DIFFERENT = "different"


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_tokens(name: str) -> list[str]:
    """A person's name as lower-case words, surname last, without titles.

    >>> name_tokens("Collins, Dr Sarah J.")
    ['sarah', 'j', 'collins']
    >>> name_tokens("Mrs Anne-Marie O'Brien MBE")
    ['anne', 'marie', 'obrien']
    """
    text = _ascii_lower(name)
    if text.count(",") == 1:
        surname, given = text.split(",")
        text = f"{given} {surname}"
    text = re.sub(r"['\u2019`]", "", text)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words and words[0] in TITLES:
        words.pop(0)
    while words and words[-1] in POST_NOMINALS:
        words.pop()
    return [w for w in words if w not in TITLES]


def _middles_agree(left: list[str], right: list[str]) -> bool:
    if not left or not right:
        return True
    if len(left) != len(right):
        return False
    return all(a.startswith(b) or b.startswith(a) for a, b in zip(left, right, strict=True))


def _same_person_order(a: list[str], b: list[str]) -> bool:
    if a[0] != b[0] or a[-1] != b[-1]:
        return False
    return _middles_agree(a[1:-1], b[1:-1]) and len(a[0]) > 1


def compare_names(a: str, b: str) -> NameMatch:
    """How alike two people's names are: MATCH, CLOSE or DIFFERENT.

    >>> compare_names("Dr Sarah Collins", "Sarah Jane Collins")
    <NameMatch.MATCH: 'match'>
    >>> compare_names("COLLINS, Sarah", "sarah  collins")
    <NameMatch.MATCH: 'match'>
    >>> compare_names("Sarah J Collins", "Sarah Jane Collins")
    <NameMatch.MATCH: 'match'>
    >>> compare_names("Sara Colins", "Sarah Collins")
    <NameMatch.CLOSE: 'close'>
    >>> compare_names("Peter Collins", "Sarah Collins")
    <NameMatch.CLOSE: 'close'>
    >>> compare_names("Sarah Jane Collins", "Sarah Anne Collins")
    <NameMatch.CLOSE: 'close'>
    >>> compare_names("Mark Jones", "Sarah Collins")
    <NameMatch.DIFFERENT: 'different'>
    """
    left, right = name_tokens(a), name_tokens(b)
    if not left or not right:
        return NameMatch.DIFFERENT
    if len(left) + len(right) > 2 and "".join(left) == "".join(right):
        return NameMatch.MATCH
    if len(left) > 1 and len(right) > 1:
        if _same_person_order(left, right):
            return NameMatch.MATCH
        # Written surname first without a comma: "Collins Sarah".
        if len(left) == 2 and len(right) == 2 and left == right[::-1]:
            return NameMatch.MATCH
    if left[-1] == right[-1]:
        return NameMatch.CLOSE
    core_left = f"{left[0]} {left[-1]}"
    core_right = f"{right[0]} {right[-1]}"
    if fuzz.token_sort_ratio(core_left, core_right) >= CLOSE_SCORE:
        return NameMatch.CLOSE
    return NameMatch.DIFFERENT


def _org_words(name: str) -> list[str]:
    text = re.sub(r"['\u2019`]", "", _ascii_lower(name).replace("&", " and "))
    words = []
    for word in re.sub(r"[^a-z0-9]+", " ", text).split():
        words.extend(ORG_SPELLINGS.get(word, word).split())
    return words


def premises_kinds(name: str) -> tuple[frozenset[str], list[str]]:
    """The kinds of premises an organisation name says, and its other words.

    The other words leave out :data:`ORG_FILLER`; the longest phrase of
    :data:`PREMISES_KINDS` is read first.

    >>> premises_kinds("The Riverside Medical Practice")
    (frozenset({'gp practice'}), ['riverside'])
    >>> premises_kinds("Bayview Dental Surgery")
    (frozenset({'dental practice'}), ['bayview'])
    >>> premises_kinds("St Mary's HC")
    (frozenset({'health centre'}), ['saint', 'marys'])
    """
    words = _org_words(name)
    kinds: set[str] = set()
    others: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST_PHRASE, len(words) - i), 0, -1):
            kind = _KIND_OF_PHRASE.get(" ".join(words[i : i + size]))
            if kind:
                kinds.add(kind)
                i += size
                break
        else:
            if words[i] not in ORG_FILLER:
                others.append(words[i])
            i += 1
    return frozenset(kinds), others


def org_names_match(written: str, directory: str) -> bool:
    """Whether an organisation name as written is the directory's name.

    Case, punctuation, "&"/"and", "St"/"Saint" and filler words ("The",
    "Group", "Partners", "Ltd"...) are ignored. Words that say what kind of
    premises it is (:data:`PREMISES_KINDS`) may be missing on one side, but
    when both sides say, the kinds must be the same: "Riverside Surgery" is
    "The Riverside Medical Practice" and "Riverside", but not "Riverside
    Health Centre" (SPEC §4: a health centre often houses several practices).
    The distinctive words left must pair up one to one, in any order, each
    pair scoring at least :data:`ORG_MATCH_SCORE` (rapidfuzz ``ratio``): a
    typo passes ("Riverisde"), another word does not ("Riverside North" is
    not "Riverside South"; "Riverside" is not "Riverside Family").

    >>> org_names_match("Riverside Surgery", "THE RIVERSIDE MEDICAL PRACTICE")
    True
    >>> org_names_match("Ashby Surgery", "Ashby")
    True
    >>> org_names_match("Ashby Surgery", "Ashby Health Centre")
    False
    >>> org_names_match("St Mary's Health Centre", "Saint Marys Surgery")
    False
    >>> org_names_match("St Mary's Surgery", "Saint Marys Medical Centre")
    True
    >>> org_names_match("Bayview Dental Practice", "Bayview Opticians")
    False
    >>> org_names_match("Dr Smith & Partners", "Dr Smith and Partners")
    True
    >>> org_names_match("Hillside Surgery", "Riverside Surgery")
    False
    >>> org_names_match("Riverside North Surgery", "Riverside South Surgery")
    False
    """
    left_kinds, left_core = premises_kinds(written)
    right_kinds, right_core = premises_kinds(directory)
    if left_kinds and right_kinds and left_kinds != right_kinds:
        return False
    # A name that is only generic words ("The Surgery") is compared whole.
    left_core = left_core or _org_words(written)
    right_core = right_core or _org_words(directory)
    if len(left_core) != len(right_core):
        return False
    unmatched = list(right_core)
    for word in left_core:
        best = max(unmatched, key=lambda other: fuzz.ratio(word, other))
        if fuzz.ratio(word, best) < ORG_MATCH_SCORE:
            return False
        unmatched.remove(best)
    return True
