"""People's and organisations' names compare leniently, never guessing a pass."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verification.names import PREMISES_KINDS, NameMatch, compare_names, org_names_match


@pytest.mark.parametrize(
    "a, b",
    [
        ("Sarah Collins", "sarah collins"),
        ("Dr Sarah Collins", "Sarah Jane Collins"),
        ("Collins, Sarah", "Sarah Collins"),
        ("COLLINS, Dr Sarah", "Mrs Sarah J. Collins"),
        ("Prof. Sir John Smith", "John Smith"),
        ("Anne-Marie O'Brien", "Anne Marie OBrien"),
        ("José Núñez", "Jose Nunez"),
        ("Priya Shah MRCGP", "Dr Priya Shah"),
        ("Sarah J Collins", "Sarah Jane Collins"),
        ("Collins Sarah", "Sarah Collins"),
    ],
)
def test_it_matches_the_same_name_written_differently(a, b):
    assert compare_names(a, b) is NameMatch.MATCH


@pytest.mark.parametrize(
    "a, b",
    [
        ("Sara Collins", "Sarah Collins"),
        ("Sarah Colins", "Sarah Collins"),
        ("Bob Brown", "Robert Brown"),
        ("S Collins", "Sarah Collins"),
        ("Sarah Jane Collins", "Sarah Anne Collins"),
        ("Collins", "Sarah Collins"),
    ],
)
def test_it_calls_a_close_name_close_for_review(a, b):
    assert compare_names(a, b) is NameMatch.CLOSE


@pytest.mark.parametrize(
    "a, b",
    [
        ("Mark Jones", "Sarah Collins"),
        ("Sarah Smith", "Sarah Collins"),
        ("", "Sarah Collins"),
        ("Dr", "Dr"),
    ],
)
def test_it_calls_another_name_different(a, b):
    assert compare_names(a, b) is NameMatch.DIFFERENT


@pytest.mark.parametrize(
    "written, held",
    [
        ("Riverside Surgery", "RIVERSIDE SURGERY"),
        ("The Riverside Surgery", "Riverside Surgery"),
        ("Riverside Medical Practice", "Riverside Surgery"),
        ("Smith & Jones", "Smith and Jones"),
        ("St. Mary's Surgery", "Saint Marys Surgery"),
        ("Riverisde Surgery", "Riverside Surgery"),
        ("Riverside Surgery", "The Riverside Medical Practice"),
        ("Riverside Surgery", "Riverside Medical Centre"),
        ("Riverside MC", "Riverside Medical Center"),
        ("Ashby Surgery", "Ashby"),
        ("Ashby", "Ashby Health Centre"),
        ("Ashby HC", "Ashby Health Centre"),
        ("Bright Smile Dental", "Bright Smile Dental Care"),
        ("Bayview Dental Surgery", "Bayview Dental Practice"),
        ("Clearview Optometrists", "Clearview Opticians"),
        ("High Street Chemists", "High Street Pharmacy"),
        ("Dr Smith & Partners", "Dr Smith and Partners Surgery"),
    ],
)
def test_it_matches_an_organisation_name_written_differently(written, held):
    assert org_names_match(written, held)


@pytest.mark.parametrize(
    "written, held",
    [
        ("Hillside Surgery", "Riverside Surgery"),
        ("Riverside North", "Riverside South"),
        ("Surgery", "Riverside Surgery"),
        ("Riverside", "Riverside Family Practice"),
    ],
)
def test_it_does_not_match_another_organisation(written, held):
    assert not org_names_match(written, held)


@pytest.mark.parametrize(
    "written, held",
    [
        ("Ashby Surgery", "Ashby Health Centre"),
        ("Ashby Medical Practice", "Ashby HC"),
        ("St Mary's Health Centre", "Saint Marys Surgery"),
        ("Bayview Dental Practice", "Bayview Opticians"),
        ("Bayview Dental Surgery", "Bayview Surgery"),
        ("Riverside Clinic", "Riverside Surgery"),
        ("High Street Pharmacy", "High Street Surgery"),
        ("Riverside Hospital", "Riverside Health Centre"),
    ],
)
def test_it_does_not_match_another_kind_of_premises(written, held):
    assert not org_names_match(written, held)
    assert not org_names_match(held, written)


PLACES = ["Ashby", "Riverside", "Saint Marys", "Old Mill", "Bayview North"]
KINDS = sorted(PREMISES_KINDS)


@st.composite
def premises(draw, kind=None):
    """A premises phrase of ``kind`` (any kind if None), title-cased."""
    kind = kind or draw(st.sampled_from(KINDS))
    return kind, draw(st.sampled_from(PREMISES_KINDS[kind])).title()


@given(st.sampled_from(PLACES), premises(), premises(), st.booleans())
def test_two_names_of_one_place_match_exactly_when_their_kinds_agree(place, a, b, the):
    (kind_a, phrase_a), (kind_b, phrase_b) = a, b
    written = f"{'The ' if the else ''}{place} {phrase_a}"
    assert org_names_match(written, f"{place} {phrase_b}") is (kind_a == kind_b)


@given(st.sampled_from(PLACES), premises())
def test_a_premises_word_may_be_missing_on_either_side(place, premises_phrase):
    _kind, phrase = premises_phrase
    assert org_names_match(f"{place} {phrase}", place)
    assert org_names_match(place, f"{place} {phrase}")
