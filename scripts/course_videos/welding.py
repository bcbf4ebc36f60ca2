"""The welding videos: a single-V butt weld run by run (values from courses/welding/files/wps-135-p-bw.txt) and the
torch and filler-rod angles of MAG and TIG."""

from __future__ import annotations

import math

from scripts.course_videos.render import (
    BLUE,
    CAPTION_BAND,
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
    Video,
    Viewport,
    dashed,
    ease,
    label,
)

T = 8.0  # plate thickness, mm
ROOT_FACE, GAP, HALF_ANGLE = 1.0, 2.0, 30.0
STEEL, STEEL_EDGE, WELD, TACK, SHIELD = "#adb5bd", "#495057", "#f08c00", "#e67700", "#d0ebff"
LEFT = (24, 84, 860, HEIGHT - CAPTION_BAND - 12)
RUNS = [("1", "110–120", "17–18", "120–150"), ("2", "230–250", "27–29", "300–400"), ("3", "230–250", "27–29",
                                                                                     "300–400")]


def t(pl: str, lt: str, en: str) -> dict[str, str]:
    return {"pl": pl, "lt": lt, "en": en}


def groove_half_width(y: float, bevel: float = 1.0) -> float:
    """Half the width of the groove at height ``y`` above the root (bevel 0: square edges, 1: fully bevelled)."""
    if y <= ROOT_FACE:
        return GAP / 2
    return GAP / 2 + (y - ROOT_FACE) * math.tan(math.radians(HALF_ANGLE)) * bevel


def plates(draw, view: Viewport, bevel: float = 1.0) -> None:
    for side in (-1, 1):
        outline = [(side * 21.5, 0), (side * GAP / 2, 0), (side * GAP / 2, ROOT_FACE),
                   (side * groove_half_width(T, bevel), T), (side * 21.5, T)]
        draw.polygon([view(*p) for p in outline], fill=STEEL, outline=STEEL_EDGE, width=3)


def bead(draw, view: Viewport, y0: float, y1: float, crown: float = 0.0, colour: str = WELD) -> None:
    """A run filling the groove from ``y0`` to ``y1`` (fused 0.5 mm into the sides), its top raised by ``crown``."""
    if y1 <= y0:
        return
    steps = 12
    left = [(-groove_half_width(y0 + (y1 - y0) * i / steps) - 0.5, y0 + (y1 - y0) * i / steps)
            for i in range(steps + 1)]
    top_width = groove_half_width(y1) + 0.5
    top = [(-top_width + 2 * top_width * i / steps,
            y1 + crown * math.sin(math.pi * i / steps)) for i in range(steps + 1)]
    right = [(-x, y) for x, y in reversed(left)]
    draw.polygon([view(*p) for p in left + top[1:-1] + right], fill=colour, outline="#d9480f", width=2)


def parameters(draw, run: int | None) -> None:
    """The WPS table of runs beside the drawing, the current run highlighted."""
    left, top = 880, 84
    draw.rectangle((left, top, WIDTH - 20, HEIGHT - CAPTION_BAND - 12), fill=PANEL)
    label(draw, (left + 20, top + 30), "WPS MCC-135-01", 26, PANEL_TEXT, bold=True, anchor="lm")
    label(draw, (left + 20, top + 70), "S355 · t = 8 · 60° · c = 1 · b = 2", 20, GREY, anchor="lm")
    columns = (left + 20, left + 60, left + 170, left + 270)
    for x, head in zip(columns, ("#", "A", "V", "mm/min"), strict=True):
        label(draw, (x, top + 120), head, 21, GREY, bold=True, anchor="lm")
    for row, values in enumerate(RUNS):
        y = top + 170 + row * 56
        if run == row:
            draw.rectangle((left + 10, y - 24, WIDTH - 30, y + 24), fill=YELLOW)
        for x, value in zip(columns, values, strict=True):
            label(draw, (x, y), value, 21, INK if run == row else PANEL_TEXT,
                  bold=run == row, anchor="lm")
    label(draw, (left + 20, top + 360), "G 42 4 M21 3Si1 · Ø1.0", 20, GREY, anchor="lm")
    label(draw, (left + 20, top + 395), "M21 · 14–16 l/min · DC+", 20, GREY, anchor="lm")


def mag_torch(draw, view: Viewport, x: float, height: float, tilt: float, scale: float = 1.0,
              arc: bool = True) -> None:
    """A MAG torch whose wire meets the plate at ``x``: nozzle ``height`` above it, tilted ``tilt`` degrees from
    vertical (positive: leaning back, pushing towards +x)."""
    ux, uy = -math.sin(math.radians(tilt)), math.cos(math.radians(tilt))
    tip = (x + ux * height, height * uy)
    width = 8 * scale
    nozzle = [(tip[0] - uy * width, tip[1] + ux * width), (tip[0] + uy * width, tip[1] - ux * width),
              (tip[0] + uy * width + ux * 70 * scale, tip[1] - ux * width + uy * 70 * scale),
              (tip[0] - uy * width + ux * 70 * scale, tip[1] + ux * width + uy * 70 * scale)]
    shield = [view(tip[0] - uy * width, tip[1]), view(tip[0] + uy * width, tip[1]), view(x + 14, 0), view(x - 14, 0)]
    draw.polygon(shield, fill=SHIELD)
    draw.polygon([view(*p) for p in nozzle], fill="#343a40", outline=INK)
    draw.line((*view(*tip), *view(x, 0)), fill="#868e96", width=4)
    if arc:
        px, py = view(x, 0)
        draw.ellipse((px - 12, py - 12, px + 12, py + 12), fill=YELLOW, outline=ORANGE, width=3)


def side_bead(draw, view: Viewport, x0: float, x1: float, height: float = 3.0, width_px: int = 0) -> None:
    if x1 <= x0:
        return
    left, top = view(x0, height)
    right, bottom = view(x1, 0)
    draw.rounded_rectangle((left, top, right, bottom), radius=10, fill=WELD, outline="#d9480f", width=2)
    for x in range(int(x0) + 4, int(x1) - 2, 6):  # ripples
        a, b = view(x, height * 0.9), view(x - 3, height * 0.2)
        draw.arc((b[0], a[1], a[0] + 6, b[1]), 270, 90, fill="#d9480f", width=2)


def angle_mark(draw, view: Viewport, origin: tuple[float, float], tilt: float, text: str, length: float = 60) -> None:
    dashed(draw, view(*origin), view(origin[0], origin[1] + length), MUTED, width=2)
    ux = -math.sin(math.radians(tilt))
    label(draw, view(origin[0] + ux * length * 0.55 - 14 * (1 if tilt > 0 else -1), origin[1] + length * 0.95),
          text, 30, RED, bold=True, box="#ffffffcc")


def butt_weld_video() -> Video:
    view = Viewport(LEFT, (-22, -5, 22, 16))

    def section(draw, bevel=1.0, runs=(), run=None, crown=0.0) -> None:
        draw.rectangle(LEFT, fill="#ffffff", outline=GREY)
        plates(draw, view, bevel)
        levels = [(-0.8, 2.6), (2.6, 5.8), (5.8, T)]
        for index, fraction in runs:
            y0, y1 = levels[index]
            bead(draw, view, y0, y0 + (y1 - y0) * fraction, crown if index == 2 else 0.4 if index == 0 else 0.2)
        parameters(draw, run)

    def prepare(draw, p):
        section(draw, bevel=ease(min(1.0, p * 1.4)))
        if p > 0.6:
            label(draw, (view(0, 14)[0], view(0, 14)[1]), "60°", 34, RED, bold=True)
            dashed(draw, view(0, ROOT_FACE), view(-groove_half_width(T + 4), T + 4), RED, width=2)
            dashed(draw, view(0, ROOT_FACE), view(groove_half_width(T + 4), T + 4), RED, width=2)
        label(draw, view(-15, T / 2), "t = 8", 28, INK, bold=True)

    def dimensions(draw, p):
        section(draw)
        a, b = view(-GAP / 2, -2.5), view(GAP / 2, -2.5)
        draw.line((*a, *b), fill=RED, width=3)
        label(draw, (a[0] + (b[0] - a[0]) / 2, a[1] + 30), "b = 2", 28, RED, bold=True)
        c0, c1 = view(3.5, 0), view(3.5, ROOT_FACE)
        draw.line((*c0, *c1), fill=BLUE, width=3)
        label(draw, (c0[0] + 70, (c0[1] + c1[1]) / 2), "c = 1", 28, BLUE, bold=True)

    def tacks(draw, p):
        draw.rectangle(LEFT, fill="#ffffff", outline=GREY)
        top = Viewport(LEFT, (-20, -160, 520, 180))
        for side in (-1, 1):
            draw.rectangle((*top(0, side * 8 if side > 0 else -1), *top(500, 1 if side > 0 else -150)), fill=STEEL,
                           outline=STEEL_EDGE, width=2)
        draw.rectangle((*top(0, 150), *top(500, 1)), fill=STEEL, outline=STEEL_EDGE, width=2)
        for n, x in enumerate(range(20, 500, 80)):
            if p * 7 > n:
                cx, cy = top(x, 0)
                draw.ellipse((cx - 16, cy - 9, cx + 16, cy + 9), fill=TACK, outline="#d9480f", width=2)
        label(draw, top(260, 60), "50–100", 30, INK, bold=True, box="#ffffffcc")
        parameters(draw, None)

    def run_scene(index, crown=0.0):
        def paint(draw, p):
            done = [(i, 1.0) for i in range(index)] + [(index, ease(p))]
            section(draw, runs=done, run=index, crown=crown)
            x = view(0, T + 5)
            mag_run = view(0, T + 9)
            draw.line((*x, *mag_run), fill=INK, width=6)  # the wire coming down to the groove
            draw.ellipse((x[0] - 10, x[1] - 10, x[0] + 10, x[1] + 10), fill=YELLOW, outline=ORANGE, width=2)
        return paint

    def cleaning(draw, p):
        section(draw, runs=[(0, 1.0)], run=None)
        for i in range(4):
            x, y = view(-1.5 + i + math.sin(p * 20 + i), 3.0)
            draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill="#495057" if p < 0.5 + i / 10 else "#ffffff00")
        bx, by = view(math.sin(p * 18) * 3, 6.5)
        draw.rectangle((bx - 50, by - 18, bx + 50, by + 4), fill="#8d6e63")
        for k in range(-45, 50, 9):
            draw.line((bx + k, by + 4, bx + k, by + 24), fill=INK, width=2)

    def heat(draw, p):
        section(draw, runs=[(0, 1.0), (1, 1.0), (2, 1.0)], run=0, crown=1.2)
        label(draw, view(0, 13.5), "Q = 0.8 × U × I × 60 / (v × 1000)", 26, INK, bold=True, box="#ffffffdd")

    def inspection(draw, p):
        section(draw, runs=[(0, 1.0), (1, 1.0), (2, 1.0)], crown=1.2)
        x, y = view(-16 + 32 * ease(p), 13)
        draw.ellipse((x - 36, y - 24, x + 36, y + 24), outline=BLUE, width=5)
        label(draw, view(0, -3.8), "EN ISO 5817 · B", 28, BLUE, bold=True)

    return Video("welding", "butt-weld-runs", "135 · P BW · t = 8 mm · PA", [
        Scene(6, t("Przygotowanie złącza: dwie blachy S355 8 mm, ukosowane na V o kącie 60° (WPS MCC-135-01).",
                   "Jungties paruošimas: dvi 8 mm S355 plokštės, nusklembtos 60° V forma (WPS MCC-135-01).",
                   "Joint preparation: two 8 mm S355 plates, bevelled to a 60° single V (WPS MCC-135-01)."), prepare),
        Scene(6, t("Próg 1 mm i odstęp 2 mm: przetop graniowy musi przejść na drugą stronę.",
                   "Šaknies briauna 1 mm ir tarpas 2 mm: šaknies siūlė turi pervirinti iki kitos pusės.",
                   "Root face 1 mm and root gap 2 mm: the root run must fuse through to the back."), dimensions),
        Scene(6, t("Spoiny sczepne co 50–100 mm utrzymują odstęp; ich końce szlifuje się pod przetop.",
                   "Sukabinimo siūlės kas 50–100 mm išlaiko tarpą; jų galai nušlifuojami šaknies siūlei.",
                   "Tack welds every 50–100 mm hold the gap; their ends are ground so the root runs over them."),
              tacks),
        Scene(7, t("Ścieg 1, graniowy: łuk zwarciowy, 110–120 A, 17–18 V, prędkość 120–150 mm/min.",
                   "1-asis sluoksnis, šaknies: trumpasis lankas, 110–120 A, 17–18 V, greitis 120–150 mm/min.",
                   "Run 1, the root: short arc, 110–120 A, 17–18 V, travel speed 120–150 mm/min."), run_scene(0)),
        Scene(5, t("Między ściegami: szczotka druciana, usunąć wysepki krzemianów.",
                   "Tarp sluoksnių: vielinis šepetys, pašalinti silikatų saleles.",
                   "Between runs: wire brush, remove the silicate islands."), cleaning),
        Scene(7, t("Ścieg 2, wypełniający: łuk natryskowy, 230–250 A, 27–29 V, 300–400 mm/min.",
                   "2-asis sluoksnis, užpildymo: purškiamasis lankas, 230–250 A, 27–29 V, 300–400 mm/min.",
                   "Run 2, fill: spray arc, 230–250 A, 27–29 V, 300–400 mm/min."), run_scene(1)),
        Scene(6, t("Ścieg 3, lico: zakos najwyżej 10 mm; lico łagodnie przechodzi w materiał.",
                   "3-iasis sluoksnis, paviršinis: švytavimas ne daugiau 10 mm; siūlė sklandžiai pereina į metalą.",
                   "Run 3, the cap: weave at most 10 mm; the cap blends smoothly into the plate."),
              run_scene(2, crown=1.2)),
        Scene(6, t("Energia liniowa przetopu: 0,8 × 17,5 V × 115 A × 60 / (135 mm/min × 1000) = 0,72 kJ/mm.",
                   "Šaknies šilumos įvedimas: 0,8 × 17,5 V × 115 A × 60 / (135 mm/min × 1000) = 0,72 kJ/mm.",
                   "Heat input of the root: 0.8 × 17.5 V × 115 A × 60 / (135 mm/min × 1000) = 0.72 kJ/mm."), heat),
        Scene(5, t("Na koniec badanie wizualne 100 % spoiny wg EN ISO 17637, poziom jakości B wg EN ISO 5817.",
                   "Galiausiai 100 % siūlės vizualinė kontrolė pagal EN ISO 17637, kokybės lygis B pagal EN ISO 5817.",
                   "Finally, visual testing of 100 % of the weld to EN ISO 17637, quality level B to EN ISO 5817."),
              inspection),
    ])


def torch_angles_video() -> Video:
    box = (24, 84, WIDTH - 24, HEIGHT - CAPTION_BAND - 12)
    view = Viewport(box, (0, -25, 300, 115))

    def plate(draw) -> None:
        draw.rectangle(box, fill="#ffffff", outline=GREY)
        draw.rectangle((*view(0, 0), *view(300, -18)), fill=STEEL, outline=STEEL_EDGE, width=2)
        label(draw, view(270, 100), "→", 64, INK, bold=True)

    def mag(height, text):
        def paint(draw, p):
            plate(draw)
            x = 40 + 200 * p
            side_bead(draw, view, 30, x - 4)
            mag_torch(draw, view, x, height, 12)
            angle_mark(draw, view, (x, 0), 12, text, 85)
        return paint

    def compare(draw, p):
        draw.rectangle(box, fill="#ffffff", outline=GREY)
        for centre, wide, deep, sign in ((320, 70, 12, "→ 10–15°"), (960, 44, 28, "← 10–15°")):
            top = 330
            draw.rectangle((centre - 220, top, centre + 220, top + 120), fill=STEEL, outline=STEEL_EDGE, width=2)
            grow = ease(min(1.0, p * 1.5))
            draw.pieslice((centre - wide, top - 40 * grow * (0.6 if wide > 50 else 1.1), centre + wide,
                           top + 40 * grow * (0.6 if wide > 50 else 1.1)), 180, 360, fill=WELD, outline="#d9480f")
            draw.pieslice((centre - wide * 0.8, top - deep * grow * 2, centre + wide * 0.8, top + deep * grow * 2),
                          0, 180, fill=WELD, outline="#d9480f")
            label(draw, (centre, top - 120), sign, 40, RED, bold=True)

    def tig(rod_angle: float | None, shield: bool):
        def paint(draw, p):
            plate(draw)
            x = 40 + 180 * p
            side_bead(draw, view, 30, x - 6, height=2.0)
            tilt = 15
            ux, uy = -math.sin(math.radians(tilt)), math.cos(math.radians(tilt))
            tungsten_tip = (x + ux * 2.5, 2.5 * uy)
            cup = (tungsten_tip[0] + ux * 8, tungsten_tip[1] + uy * 8)
            if shield:
                draw.polygon([view(cup[0] - 9, cup[1]), view(cup[0] + 9, cup[1]), view(x + 30, 0), view(x - 22, 0)],
                             fill=SHIELD)
            body = [(cup[0] - uy * 9, cup[1] + ux * 9), (cup[0] + uy * 9, cup[1] - ux * 9),
                    (cup[0] + uy * 11 + ux * 75, cup[1] - ux * 11 + uy * 75),
                    (cup[0] - uy * 11 + ux * 75, cup[1] + ux * 11 + uy * 75)]
            draw.polygon([view(*q) for q in body], fill="#495057", outline=INK)
            draw.line((*view(*tungsten_tip), *view(*cup)), fill="#ced4da", width=6)
            px, py = view(x, 0)
            draw.ellipse((px - 14, py - 10, px + 14, py + 10), fill=YELLOW, outline=ORANGE, width=3)
            angle_mark(draw, view, (x, 0), tilt, "70–80°", 90)
            if rod_angle is not None:
                dip = 3 * (0.5 + 0.5 * math.sin(p * math.pi * 10))
                front = (x + 6 + dip, 1.0)
                far = (front[0] + 120 * math.cos(math.radians(rod_angle)), front[1] + 120 * math.sin(math.radians(
                    rod_angle)))
                draw.line((*view(*front), *view(*far)), fill="#c0a16b", width=6)
                hot = (front[0] + 10 * math.cos(math.radians(rod_angle)), front[1] + 10 * math.sin(math.radians(
                    rod_angle)))
                draw.line((*view(*front), *view(*hot)), fill=RED, width=7)
                label(draw, view(front[0] + 70, 34), "15–20°", 30, RED, bold=True, box="#ffffffcc")
        return paint

    def summary(draw, p):
        plate(draw)
        side_bead(draw, view, 30, 270)
        label(draw, view(150, 60), "v = const · ∠ = const", 40, INK, bold=True, box="#ffffffdd")

    return Video("welding", "torch-angles", "135 MAG · 141 TIG · ∠", [
        Scene(6, t("MAG, metoda 135: uchwyt pochylony 10–15° w kierunku spawania, czyli spawanie w przód.",
                   "MAG, 135 procesas: degiklis palenktas 10–15° suvirinimo kryptimi – stūmimo kampas.",
                   "MAG, process 135: the torch leans 10–15° in the direction of travel, a push angle."),
              mag(16, "10–15°")),
        Scene(7, t("Odległość końcówki prądowej od materiału: 10–12 mm dla przetopu, 15–18 mm dla wypełnienia i lica.",
                   "Atstumas nuo kontaktinio antgalio iki ruošinio: 10–12 mm šakniai, 15–18 mm užpildymui ir "
                   "paviršiui.",
                   "Contact tip to work distance: 10–12 mm for the root, 15–18 mm for fill and cap."),
              mag(17, "15–18 mm")),
        Scene(7, t("Spawanie w przód daje płaskie, szersze lico; w tył – głębszy przetop i węższy, wyższy ścieg.",
                   "Stumiant siūlė platesnė ir plokštesnė; traukiant – gilesnis įvirinimas, siauresnė ir aukštesnė "
                   "siūlė.",
                   "Pushing gives a flatter, wider bead; dragging gives deeper penetration and a narrower, higher "
                   "bead."), compare),
        Scene(6, t("TIG, metoda 141: uchwyt pod kątem 70–80° do blachy, krótki łuk z elektrody wolframowej.",
                   "TIG, 141 procesas: degiklis 70–80° kampu į plokštę, trumpas lankas nuo volframo elektrodo.",
                   "TIG, process 141: the torch stands at 70–80° to the plate, a short arc from the tungsten."),
              tig(None, True)),
        Scene(7, t("Pręt dodatkowy pod kątem 15–20° do blachy, podawany do przedniej krawędzi jeziorka.",
                   "Pridėtinis strypas 15–20° kampu į plokštę, panardinamas į priekinį vonelės kraštą.",
                   "The filler rod comes in at 15–20° to the plate and is dipped into the front edge of the pool."),
              tig(18, True)),
        Scene(6, t("Gorący koniec pręta pozostaje w osłonie gazu, aby się nie utlenił.",
                   "Karštas strypo galas lieka apsauginių dujų zonoje, kad nesioksiduotų.",
                   "The hot end of the rod stays inside the gas shield, so it does not oxidise."), tig(18, True)),
        Scene(6, t("W obu metodach: stała prędkość spawania i te same kąty na całej długości złącza.",
                   "Abiem procesais: pastovus suvirinimo greitis ir tie patys kampai visame jungties ilgyje.",
                   "In both processes: a steady travel speed and the same angles along the whole joint."), summary),
    ])
