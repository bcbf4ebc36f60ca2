"""Grading answers on the server: one function per question type, working on an attempt's snapshot.

Numeric answers accept a unit: equivalent spellings of the same unit (rpm, obr/min, aps./min, 1/min, min^-1)
and scaled units (mm and m, J/mm and kJ/mm) are converted to the question's unit before the tolerance applies.
A general units library is not used on purpose: pint treats "rpm" as revolutions (2π rad) per minute, which is
not what a CNC operator means by "n in min⁻¹".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: canonical unit -> {spelling: factor to the canonical unit}
UNITS: dict[str, dict[str, float]] = {
    "min^-1": {"min^-1": 1, "min-1": 1, "1/min": 1, "rpm": 1, "obr/min": 1, "aps/min": 1, "aps./min": 1,
               "rev/min": 1, "min⁻¹": 1, "s^-1": 60, "1/s": 60, "hz": 60},
    "mm": {"mm": 1, "cm": 10, "m": 1000, "µm": 0.001, "um": 0.001},
    "m/min": {"m/min": 1, "mm/min": 0.001, "m/s": 60},
    "mm/min": {"mm/min": 1, "m/min": 1000},
    "kJ/mm": {"kj/mm": 1, "j/mm": 0.001, "kj/cm": 0.1},
    "%": {"%": 1, "procent": 1, "percent": 1, "proc.": 1, "proc": 1},
    "kg": {"kg": 1, "g": 0.001, "t": 1000},
    "pcs": {"pcs": 1, "szt": 1, "szt.": 1, "vnt": 1, "vnt.": 1, "pieces": 1},
    "A": {"a": 1, "ma": 0.001},
    "V": {"v": 1},
    "h": {"h": 1, "min": 1 / 60, "godz": 1, "val": 1},
    "bar": {"bar": 1, "mpa": 10, "kpa": 0.01},
}


def canonical(unit: str | None) -> str:
    return (unit or "").strip()


def _spelling(text: str) -> str:
    return text.strip().lower().replace(" ", "").replace("⁻¹", "^-1")


def convert(value: float, unit: str | None, target: str) -> float | None:
    """``value`` given in ``unit`` expressed in ``target``; None when the units do not match."""
    target = canonical(target)
    if not target:
        return value if not unit or not unit.strip() else None
    if unit is None or not unit.strip():
        return value  # the question's unit is assumed when the trainee gives none
    table = UNITS.get(target) or {_spelling(target): 1}
    factor = table.get(_spelling(unit)) or table.get(unit.strip())
    if factor is None and _spelling(unit) == _spelling(target):
        factor = 1
    return None if factor is None else value * factor


_NUMBER = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def parse_number(text: str) -> tuple[float, str] | None:
    """'1273,2 obr/min' -> (1273.2, 'obr/min'); spaces as thousands separators are allowed ('12 000')."""
    if text is None:
        return None
    compact = re.sub(r"(?<=\d)[\s\u00a0](?=\d{3}\b)", "", str(text))
    match = _NUMBER.match(compact)
    if not match:
        return None
    return float(match.group(1).replace(",", ".")), match.group(2)


def normalise_text(text: str) -> str:
    """Case-, space- and accent-insensitive form for short text answers ('Łuk  TIG' == 'luk tig')."""
    text = unicodedata.normalize("NFKD", (text or "").replace("ł", "l").replace("Ł", "L"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().strip(".,;!").casefold()


@dataclass
class Graded:
    points: float
    correct: bool


def grade(question: dict, answer) -> Graded:
    """Grade one answer against one snapshot question (as stored in the attempt)."""
    kind, points, key = question["type"], float(question["points"]), question["key_data"]
    if kind == "single":
        right = next(c["id"] for c in key["choices"] if c["correct"])
        ok = answer == right
        return Graded(points if ok else 0.0, ok)
    if kind == "multiple":
        chosen = set(answer or [])
        right = {c["id"] for c in key["choices"] if c["correct"]}
        wrong = {c["id"] for c in key["choices"] if not c["correct"]}
        # Partial credit: each right choice earns its share, each wrong one costs a share; never below zero.
        share = (len(chosen & right) - len(chosen & wrong)) / len(right)
        return Graded(round(points * max(0.0, share), 4), chosen == right)
    if kind == "true_false":
        ok = answer in ("true", "false") and (answer == "true") == bool(key["correct"])
        return Graded(points if ok else 0.0, ok)
    if kind == "numeric":
        parsed = parse_number(answer.get("value", "") if isinstance(answer, dict) else answer)
        if parsed is None:
            return Graded(0.0, False)
        value, typed_unit = parsed
        unit = (answer.get("unit") if isinstance(answer, dict) else None) or typed_unit
        converted = convert(value, unit, key.get("unit", ""))
        if converted is None:
            return Graded(0.0, False)
        tolerance = float(key.get("tolerance") or 0)
        if key.get("tolerance_percent"):
            tolerance = max(tolerance, abs(float(key["answer"])) * float(key["tolerance_percent"]) / 100)
        ok = abs(converted - float(key["answer"])) <= tolerance + 1e-9
        return Graded(points if ok else 0.0, ok)
    if kind == "short_text":
        given = normalise_text(answer if isinstance(answer, str) else "")
        accepted = {normalise_text(a) for texts in key["accepted"].values() for a in texts}
        ok = bool(given) and given in accepted
        return Graded(points if ok else 0.0, ok)
    raise ValueError(f"unknown question type {kind}")
