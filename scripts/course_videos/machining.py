"""The CNC and laser videos: the tool path of a G-code program and the cutting sequence of a DXF drawing."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path

from scripts.course_videos.render import (
    BLUE,
    CAPTION_BAND,
    GREEN,
    GREY,
    HEIGHT,
    INK,
    MUTED,
    ORANGE,
    PANEL,
    PANEL_TEXT,
    RED,
    WIDTH,
    YELLOW,
    Scene,
    Viewport,
    dashed,
    ease,
    font,
    label,
)
from scripts.course_videos.sources import Contour, Move, contours, cut_order, parse_dxf, parse_gcode, strip_comment

PLOT = (24, 84, 800, HEIGHT - CAPTION_BAND - 12)
SWEPT = "#a5d8ff"
Texts = dict[str, str]


def tool_centre(move: Move, fraction: float, radius: float, before: str) -> tuple[float, float, float]:
    """Where the tool's centre is: on the programmed path, or beside it by the tool's radius under G41/G42 (the
    offset grows along the block that switches compensation on and shrinks along the one that switches it off)."""
    x, y, z = move.at(fraction)
    side = {"left": 1, "right": -1}
    weight = 1.0
    if before == "off" and move.compensation != "off":
        weight = fraction
    elif before != "off" and move.compensation == "off":
        weight = 1 - fraction
    mode = move.compensation if move.compensation != "off" else before
    if mode == "off" or move.kind in ("none", "rapid"):
        return x, y, z
    if move.kind == "arc" and move.centre is not None:
        vx, vy = x - move.centre[0], y - move.centre[1]
        tx, ty = (vy, -vx) if move.clockwise else (-vy, vx)
    else:
        tx, ty = move.end[0] - move.start[0], move.end[1] - move.start[1]
    norm = math.hypot(tx, ty) or 1.0
    nx, ny = -ty / norm * side[mode], tx / norm * side[mode]
    return x + nx * radius * weight, y + ny * radius * weight, z


def samples(move: Move, upto: float = 1.0) -> list[float]:
    count = max(2, int(move.length * upto / 2) + 1)
    return [upto * i / (count - 1) for i in range(count)]


def cnc_scenes(program: Path, tool_radius: float, stock: tuple[float, float, float, float],
               extent: tuple[float, float, float, float], part: Sequence[tuple[float, float]] | None,
               groups: list[tuple[int, float, Texts]]) -> list[Scene]:
    """Scenes that run through ``program``: ``groups`` are (first line, seconds, captions); each scene animates
    the lines from its first line to the next group's, the current line highlighted in the program panel."""
    text = program.read_text(encoding="utf-8")
    lines = text.splitlines()
    moves = parse_gcode(text)
    view = Viewport(PLOT, extent)
    compensation_before = ["off"] + [m.compensation for m in moves[:-1]]

    def weight(move: Move) -> float:
        if move.kind == "none":
            return 0.6
        return 0.5 + move.length / (120 if move.kind == "rapid" else 40)

    def paint_state(draw, current: int, fraction: float) -> None:
        draw.rectangle(PLOT, fill="#ffffff", outline=GREY)
        x0, y0, x1, y1 = stock
        draw.rectangle((*view(x0, y1), *view(x1, y0)), fill="#e9ecef", outline=MUTED, width=2)
        origin = view(0, 0)
        draw.line((origin[0], origin[1], origin[0] + 50, origin[1]), fill=RED, width=3)
        draw.line((origin[0], origin[1], origin[0], origin[1] - 50), fill=GREEN, width=3)
        label(draw, (origin[0] + 62, origin[1]), "X", 22, RED, bold=True)
        label(draw, (origin[0], origin[1] - 64), "Y", 22, GREEN, bold=True)
        # The material the tool has removed (where it cut at or below the top face), then the programmed path.
        done = [(m, 1.0) for m in moves[:current]] + [(moves[current], fraction)]
        for move, upto in done:
            if move.kind in ("feed", "arc") and min(move.start[2], move.end[2]) <= 0:
                for f in samples(move, upto):
                    cx, cy, cz = tool_centre(move, f, tool_radius, compensation_before[move.line])
                    if cz <= 0:
                        px, py = view(cx, cy)
                        r = view.length(tool_radius)
                        draw.ellipse((px - r, py - r, px + r, py + r), fill=SWEPT)
        if part:
            draw.line([view(*p) for p in part], fill=INK, width=2)
        for move, upto in done:
            if move.kind == "none" or move.length == 0:
                continue
            points = [view(*move.at(f)[:2]) for f in samples(move, upto)]
            if move.kind == "rapid" or move.kind == "drill":
                dashed(draw, points[0], points[-1], ORANGE)
            else:
                draw.line(points, fill=BLUE, width=4)
        for move in moves[: current + 1]:
            if move.kind == "drill" and (move.line < current or fraction >= 1):
                px, py = view(*move.end[:2])
                draw.ellipse((px - 9, py - 9, px + 9, py + 9), outline=INK, width=3)
        move = moves[current]
        cx, cy, cz = tool_centre(move, fraction, tool_radius, compensation_before[move.line])
        px, py = view(cx, cy)
        r = view.length(tool_radius)
        draw.ellipse((px - r, py - r, px + r, py + r), outline=INK if cz <= 0 else MUTED, width=3)
        draw.line((px - 8, py, px + 8, py), fill=INK, width=2)
        draw.line((px, py - 8, px, py + 8), fill=INK, width=2)
        label(draw, (PLOT[0] + 14, PLOT[1] + 14), f"X {cx:8.3f}   Y {cy:8.3f}   Z {cz:8.3f}", 24, INK,
              anchor="la", box="#ffffffdd")
        paint_program(draw, lines, current)

    scenes = []
    for number, (first, seconds, captions) in enumerate(groups):
        last = groups[number + 1][0] if number + 1 < len(groups) else len(moves)
        span = moves[first:last]
        weights = [weight(m) for m in span]
        total = sum(weights)

        def paint(draw, p, span=span, weights=weights, total=total) -> None:
            elapsed = p * total
            for move, w in zip(span, weights, strict=True):
                if elapsed <= w or move is span[-1]:
                    paint_state(draw, move.line, min(1.0, elapsed / w))
                    return
                elapsed -= w

        scenes.append(Scene(seconds, captions, paint))
    return scenes


def paint_program(draw, lines: list[str], current: int) -> None:
    """The program beside the plot: a window of lines around the current one, which is highlighted."""
    left, top, bottom = 820, 84, HEIGHT - CAPTION_BAND - 12
    draw.rectangle((left, top, WIDTH - 20, bottom), fill=PANEL)
    step = 38
    visible = (bottom - top - 20) // step
    first = max(0, min(current - visible // 2, len(lines) - visible))
    for row, index in enumerate(range(first, min(len(lines), first + visible))):
        y = top + 12 + row * step
        code = strip_comment(lines[index]) or lines[index].strip()
        if len(code) > 24:
            code = code[:23] + "…"
        if index == current:
            draw.rectangle((left + 6, y - 4, WIDTH - 26, y + step - 6), fill=YELLOW)
        draw.text((left + 16, y), code, font=font(25, bold=index == current),
                  fill=INK if index == current else PANEL_TEXT)


def laser_cut(draw, view: Viewport, contour: Contour, fraction: float, gaps: Sequence[tuple[float, float]] = (),
              width: int = 4) -> None:
    """A contour ``fraction`` cut: the pierce point, a lead-in to the contour, the kerf along it (skipping the
    microjoints at ``gaps``), and the beam's spot while it cuts."""
    points = densify(contour.points)
    px, py = view(*contour.pierce)
    draw.ellipse((px - 7, py - 7, px + 7, py + 7), fill=RED)
    if fraction <= 0:
        return
    lead = view(*points[0])
    draw.line((px, py, *lead), fill=ORANGE, width=width)
    count = max(1, int(len(points) * min(1.0, fraction)))
    for a, b in itertools.pairwise(points[:count]):
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        if any(math.dist(mid, gap) < 4 for gap in gaps):
            continue
        draw.line((*view(*a), *view(*b)), fill=INK, width=width)
    if fraction < 1:
        sx, sy = view(*points[count - 1])
        draw.ellipse((sx - 11, sy - 11, sx + 11, sy + 11), fill=YELLOW, outline=ORANGE, width=3)


def densify(points: Sequence[tuple[float, float]], step: float = 2.0) -> list[tuple[float, float]]:
    dense = [points[0]]
    for a, b in itertools.pairwise(points):
        count = max(1, int(math.dist(a, b) / step))
        dense += [(a[0] + (b[0] - a[0]) * i / count, a[1] + (b[1] - a[1]) * i / count) for i in range(1, count + 1)]
    return dense


def moved(contour: Contour, dx: float, dy: float) -> Contour:
    return Contour([(x + dx, y + dy) for x, y in contour.points], (contour.pierce[0] + dx, contour.pierce[1] + dy),
                   contour.inner)


def plate_contours(drawing: Path) -> list[Contour]:
    return cut_order(contours(parse_dxf(drawing.read_text(encoding="utf-8"))))


def paint_cutting(draw, view: Viewport, order: list[Contour], done: int, fraction: float, numbers: bool = True,
                  gaps: Sequence[tuple[float, float]] = (), width: int = 4) -> None:
    """Contours ``order[:done]`` cut, ``order[done]`` cut by ``fraction``; rapid moves dashed between them."""
    here = None
    for index, contour in enumerate(order[: done + 1]):
        if here is not None:
            dashed(draw, view(*here), view(*contour.pierce), MUTED, width=2, dash=10)
        laser_cut(draw, view, contour, 1.0 if index < done else fraction, gaps, width)
        if numbers:
            label(draw, view(contour.pierce[0] - (0 if contour.inner else 6), contour.pierce[1] + 12), str(index + 1),
                  24, RED, bold=True)
        here = contour.points[-1]


def laser_sequence(order: list[Contour], pieces: list[tuple[int, int]], progress: float) -> tuple[int, float]:
    """(contour index, fraction) at ``progress`` through the contours ``pieces`` covers, each cut in equal time."""
    first, last = pieces
    span = last - first
    position = progress * span
    index = min(last - 1, first + int(position))
    return index, min(1.0, position - (index - first)) if progress < 1 else 1.0


def plot_box(draw, box=PLOT) -> None:
    draw.rectangle(box, fill="#ffffff", outline=GREY)


def ease_in(p: float) -> float:
    return ease(min(1.0, max(0.0, p)))
