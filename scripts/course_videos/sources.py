"""Reading the course files the videos are drawn from: G-code programs, an ASCII DXF drawing, the ABC inventory."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float, float]


@dataclass(frozen=True)
class Move:
    """One block of a G-code program as the tool sees it: where it starts and ends, and how it gets there."""

    line: int  # index of the block in the program's lines
    kind: str  # "none" (no motion), "rapid", "feed", "arc", "drill"
    start: Point
    end: Point
    centre: tuple[float, float] | None = None  # arcs: centre in XY
    clockwise: bool = False
    #: Cutter radius compensation after this block: "off", "left" (G41) or "right" (G42).
    compensation: str = "off"

    @property
    def length(self) -> float:
        if self.kind == "arc" and self.centre is not None:
            return abs(self.sweep) * math.dist(self.start[:2], self.centre)
        return math.dist(self.start, self.end)

    @property
    def sweep(self) -> float:
        """Signed angle of an arc in radians (negative clockwise); a full circle when it ends where it starts."""
        cx, cy = self.centre or (0.0, 0.0)
        a0 = math.atan2(self.start[1] - cy, self.start[0] - cx)
        a1 = math.atan2(self.end[1] - cy, self.end[0] - cx)
        sweep = a1 - a0
        if self.clockwise:
            while sweep >= 0:
                sweep -= 2 * math.pi
        else:
            while sweep <= 0:
                sweep += 2 * math.pi
        return sweep

    def at(self, fraction: float) -> Point:
        """The tool's position ``fraction`` (0..1) of the way along the move."""
        fraction = min(1.0, max(0.0, fraction))
        if self.kind == "arc" and self.centre is not None:
            cx, cy = self.centre
            radius = math.dist(self.start[:2], self.centre)
            angle = math.atan2(self.start[1] - cy, self.start[0] - cx) + self.sweep * fraction
            z = self.start[2] + (self.end[2] - self.start[2]) * fraction
            return (cx + radius * math.cos(angle), cy + radius * math.sin(angle), z)
        return tuple(s + (e - s) * fraction for s, e in zip(self.start, self.end, strict=True))  # type: ignore[return-value]


WORD = re.compile(r"([A-Z])\s*([-+]?\d*\.?\d*)")


def strip_comment(line: str) -> str:
    return re.sub(r"\([^)]*\)", "", line).split(";")[0].strip()


def parse_gcode(text: str) -> list[Move]:
    """The moves of a Fanuc-style milling program: G00/G01/G02/G03 (arcs by I/J or R, XY plane), G90/G91, G41/G42/G40,
    G81/G83 drilling cycles (one "drill" move per hole) and G28 through an intermediate point. Every line of ``text``
    gives exactly one Move, so a video can highlight the line the tool is on."""
    x = y = z = 0.0
    motion, absolute, cycle, compensation = "G00", True, None, "off"
    moves = []
    for index, raw in enumerate(text.splitlines()):
        code = strip_comment(raw.upper())
        words: dict[str, list[str]] = {}
        for letter, value in WORD.findall(code):
            words.setdefault(letter, []).append(value)
        numbers = {letter: float(values[-1]) for letter, values in words.items()
                   if letter not in "GM" and values[-1] not in ("", "+", "-", ".")}
        home = False
        for value in words.get("G", []):
            g = f"G{int(float(value)):02d}"
            if g in ("G00", "G01", "G02", "G03"):
                motion, cycle = g, None
            elif g == "G90":
                absolute = True
            elif g == "G91":
                absolute = False
            elif g in ("G41", "G42"):
                compensation = "left" if g == "G41" else "right"
            elif g == "G40":
                compensation = "off"
            elif g in ("G81", "G83"):
                cycle = g
            elif g == "G80":
                cycle = None
            elif g == "G28":
                home = True  # through the given point to the machine's home, which is not in work coordinates
        start = (x, y, z)
        axes = {axis: numbers[axis] for axis in "XYZ" if axis in numbers}
        if not axes:
            moves.append(Move(index, "none", start, start, compensation=compensation))
            continue
        target = [x, y, z]
        for position, axis in enumerate("XYZ"):
            if axis in axes:
                target[position] = axes[axis] if absolute else target[position] + axes[axis]
        if cycle and not home:
            # A drilling cycle: the hole at XY; Z and R are the cycle's depth and plane, the tool ends above it.
            end = (target[0], target[1], z)
            moves.append(Move(index, "drill", start, end, compensation=compensation))
            x, y = end[0], end[1]
            continue
        end = (target[0], target[1], target[2])
        if motion in ("G02", "G03") and not home:
            if "R" in numbers:
                centre = _centre_from_radius(start, end, numbers["R"], motion == "G02")
            else:
                centre = (start[0] + numbers.get("I", 0.0), start[1] + numbers.get("J", 0.0))
            moves.append(Move(index, "arc", start, end, centre, motion == "G02", compensation))
        else:
            moves.append(Move(index, "rapid" if motion == "G00" or home else "feed", start, end,
                              compensation=compensation))
        x, y, z = end
    return moves


def _centre_from_radius(start: Point, end: Point, radius: float, clockwise: bool) -> tuple[float, float]:
    """The centre of an arc given by R: of the two circles through both points, the one that makes the arc go
    the short way (R > 0) or the long way (R < 0) in the given direction."""
    (x0, y0), (x1, y1) = start[:2], end[:2]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    chord = math.dist((x0, y0), (x1, y1))
    if chord == 0:
        raise ValueError("an arc by R needs distinct end points")
    h = math.sqrt(max(radius * radius - chord * chord / 4, 0.0))
    ux, uy = (x1 - x0) / chord, (y1 - y0) / chord
    # Clockwise and short: the centre lies to the right of the chord.
    side = -1 if clockwise else 1
    if radius < 0:
        side = -side
    return (mx - side * h * uy, my + side * h * ux)


@dataclass(frozen=True)
class Entity:
    """A DXF entity: ``kind`` LINE (points a, b), CIRCLE (centre a, radius), ARC (centre a, radius, angles)."""

    kind: str
    layer: str
    a: tuple[float, float]
    b: tuple[float, float] | None = None
    radius: float = 0.0
    angles: tuple[float, float] | None = None


def parse_dxf(text: str) -> list[Entity]:
    """The LINE, CIRCLE and ARC entities of an ASCII DXF file (group code / value pairs). Other entities are
    refused: a video of a cutting sequence that silently dropped a contour would teach the wrong thing."""
    lines = [line.strip() for line in text.splitlines()]
    if len(lines) % 2:
        lines = lines[:-1]
    pairs = [(int(lines[i]), lines[i + 1]) for i in range(0, len(lines), 2)]
    entities, in_entities, current = [], False, None

    def close() -> None:
        if current is None:
            return
        kind, values = current
        layer = values.get(8, "0")
        if kind == "LINE":
            entities.append(Entity(kind, layer, (float(values[10]), float(values[20])),
                                   (float(values[11]), float(values[21]))))
        elif kind == "CIRCLE":
            entities.append(Entity(kind, layer, (float(values[10]), float(values[20])), radius=float(values[40])))
        elif kind == "ARC":
            entities.append(Entity(kind, layer, (float(values[10]), float(values[20])), radius=float(values[40]),
                                   angles=(float(values[50]), float(values[51]))))

    for code, value in pairs:
        if code == 2 and value == "ENTITIES":
            in_entities = True
        elif code == 0 and in_entities:
            close()
            current = None
            if value in ("LINE", "CIRCLE", "ARC"):
                current = (value, {})
            elif value == "ENDSEC":
                in_entities = False
            else:
                raise ValueError(f"DXF entity {value} is not supported")
        elif current is not None:
            current[1][code] = value
    return entities


@dataclass(frozen=True)
class Contour:
    """A closed cut: its points in cutting order (first = last), and where the beam pierces."""

    points: list[tuple[float, float]]
    pierce: tuple[float, float]
    inner: bool


def contours(entities: list[Entity], steps: int = 48) -> list[Contour]:
    """Closed contours of the drawing: each circle, and the chain of lines around the outside."""
    found = []
    lines = [e for e in entities if e.kind == "LINE"]
    for e in entities:
        if e.kind == "CIRCLE":
            cx, cy = e.a
            # Start on the circle's left; pierce inside the hole, half a radius from the edge (scrap side).
            angles = [2 * math.pi * i / steps for i in range(steps + 1)]
            points = [(cx - e.radius * math.cos(a), cy + e.radius * math.sin(a)) for a in angles]
            found.append(Contour(points, (cx - e.radius / 2, cy), inner=True))
    if lines:
        chain = [lines[0].a, lines[0].b]
        rest = lines[1:]
        while rest:
            nxt = next((e for e in rest if math.dist(e.a, chain[-1]) < 1e-6), None)
            if nxt is None:
                raise ValueError("the outer lines do not form a closed chain")
            chain.append(nxt.b)
            rest.remove(nxt)
        xs, ys = [p[0] for p in chain], [p[1] for p in chain]
        # The outline encloses every other contour: inner ones are cut first, the outline last.
        found.append(Contour(chain, (min(xs) - 5, min(ys) - 5), inner=False))
    return found


def cut_order(found: list[Contour], start: tuple[float, float] = (0.0, 0.0)) -> list[Contour]:
    """Inner contours first, each time the nearest pierce point to where the head is; the outline last."""
    inner = [c for c in found if c.inner]
    order, here = [], start
    while inner:
        nearest = min(inner, key=lambda c: (math.dist(here, c.pierce), c.pierce))
        order.append(nearest)
        inner.remove(nearest)
        here = nearest.points[-1]
    return order + [c for c in found if not c.inner]


@dataclass(frozen=True)
class StockItem:
    part: str
    annual_value: float
    share: float  # cumulative share of the annual value, percent
    abc: str


def read_abc(path: Path) -> list[StockItem]:
    with path.open(encoding="utf-8") as stream:
        return [StockItem(row["part_number"], float(row["annual_value_eur"]), float(row["cumulative_share_pct"]),
                          row["abc_class"]) for row in csv.DictReader(stream)]
