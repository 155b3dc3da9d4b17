"""People's and organisations' names compare leniently, never guessing a pass."""

import pytest

from verification.names import NameMatch, compare_names, org_names_match


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
