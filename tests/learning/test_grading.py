"""Each question type is graded on the server, numbers with tolerance and units."""

import pytest

from app.learning.grading import convert, grade, normalise_text, parse_number

SINGLE = {"type": "single", "points": 1, "key_data": {"choices": [{"id": "a1", "correct": False},
                                                                    {"id": "b2", "correct": True}]}}
MULTIPLE = {"type": "multiple", "points": 2, "key_data": {"choices": [
    {"id": "x", "correct": True}, {"id": "y", "correct": True}, {"id": "z", "correct": False}]}}
TRUE_FALSE = {"type": "true_false", "points": 1, "key_data": {"correct": False}}
NUMERIC = {"type": "numeric", "points": 1, "key_data": {"answer": 1273.2, "tolerance": 5, "unit": "min^-1"}}
HEAT = {"type": "numeric", "points": 1, "key_data": {"answer": 0.768, "tolerance": 0.02, "unit": "kJ/mm"}}
SHORT = {"type": "short_text", "points": 1, "key_data": {"accepted": {"pl": ["Łuk zwarciowy"], "en": ["short arc"]}}}


def test_single_choice():
    assert grade(SINGLE, "b2").correct and grade(SINGLE, "b2").points == 1
    assert not grade(SINGLE, "a1").correct and grade(SINGLE, None).points == 0


def test_multiple_choice_gives_partial_credit_and_never_below_zero():
    assert grade(MULTIPLE, ["x", "y"]).points == 2 and grade(MULTIPLE, ["y", "x"]).correct
    assert grade(MULTIPLE, ["x"]).points == 1 and not grade(MULTIPLE, ["x"]).correct
    assert grade(MULTIPLE, ["x", "z"]).points == 0
    assert grade(MULTIPLE, ["z"]).points == 0 and grade(MULTIPLE, []).points == 0


def test_true_false():
    assert grade(TRUE_FALSE, "false").correct and not grade(TRUE_FALSE, "true").correct
    assert not grade(TRUE_FALSE, None).correct


@pytest.mark.parametrize(("answer", "correct"), [
    ("1273.2", True), ("1273,2", True), ("1270", True), ("1278.2", True), ("1278.3", False), ("1268.1", False),
    ("1273 rpm", True), ("1273 obr/min", True), ("1273 aps./min", True), ("1273 1/min", True),
    ("21.22 1/s", True), ("1273 mm", False), ("abc", False), ("", False), (None, False),
    ({"value": "1275", "unit": "min^-1"}, True), ({"value": "1 275", "unit": "rpm"}, True),
])
def test_numeric_with_tolerance_and_units(answer, correct):
    assert grade(NUMERIC, answer).correct is correct


@pytest.mark.parametrize(("answer", "correct"), [("0.77", True), ("0,768 kJ/mm", True), ("768 J/mm", True),
                                                 ("7.68 kJ/cm", True), ("0.8", False), ("768", False)])
def test_numeric_heat_input_in_scaled_units(answer, correct):
    assert grade(HEAT, answer).correct is correct


def test_percent_tolerance():
    question = {"type": "numeric", "points": 1, "key_data": {"answer": 200, "tolerance": 0, "tolerance_percent": 2,
                                                             "unit": "m/min"}}
    assert grade(question, "203").correct and not grade(question, "205").correct
    assert grade(question, "3.36 m/s").correct


@pytest.mark.parametrize(("answer", "correct"), [("łuk zwarciowy", True), ("  LUK   ZWARCIOWY. ", True),
                                                 ("Short arc", True), ("short", False), ("", False)])
def test_short_text_ignores_case_spacing_and_accents(answer, correct):
    assert grade(SHORT, answer).correct is correct


def test_helpers():
    assert parse_number("12 000,5 mm") == (12000.5, "mm")
    assert convert(2, "m", "mm") == 2000 and convert(5, "kg", "mm") is None
    assert normalise_text("Ąžuolas ĘŁ") == "azuolas el"
