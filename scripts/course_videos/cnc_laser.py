"""The CNC and laser videos: what they show and what the captions say (pl, lt, en)."""

from __future__ import annotations

import math
from pathlib import Path

from scripts.course_videos.machining import (
    PLOT,
    cnc_scenes,
    densify,
    laser_sequence,
    moved,
    paint_cutting,
    plate_contours,
    plot_box,
)
from scripts.course_videos.render import BLUE, GREY, INK, MUTED, RED, Scene, Video, Viewport, ease, label

COURSES = Path(__file__).resolve().parents[2] / "courses"
#: The laser videos need no program panel: the drawing takes the whole width.
WIDE = (PLOT[0], PLOT[1], 1256, PLOT[3])


def t(pl: str, lt: str, en: str) -> dict[str, str]:
    return {"pl": pl, "lt": lt, "en": en}


def rounded_part() -> list[tuple[float, float]]:
    """The finished outline of the part O1002 mills: 70 × 50 mm, three corners rounded R10."""
    def arc(cx, cy, a0, a1):
        return [(cx + 10 * math.cos(math.radians(a)), cy + 10 * math.sin(math.radians(a)))
                for a in [a0 + (a1 - a0) * i / 12 for i in range(13)]]
    return [(0, 0), (0, 40), *arc(10, 40, 180, 90), (60, 50), *arc(60, 40, 90, 0), (70, 10), *arc(60, 10, 0, -90),
            (0, 0)]


def contour_video() -> Video:
    # Long enough for espeak-ng to say each cue at 160 words a minute: this video is narrated in Polish.
    groups = [
        (0, 10, t("Program O1002 frezuje zewnętrzny kontur detalu 70 na 50 milimetrów z trzema zaokrąglonymi narożami.",
                 "Programa O1002 frezuoja 70 × 50 mm detalės išorinį kontūrą su trimis suapvalintais kampais.",
                 "Program O1002 mills the outer contour of a 70 × 50 mm part with three rounded corners.")),
        (7, 10, t("Blok bezpieczeństwa: milimetry, płaszczyzna XY, odwołane korekcje i cykle, wymiary absolutne.",
                 "Saugos kadras: milimetrai, XY plokštuma, korekcijos ir ciklai atšaukti, absoliutinės koordinatės.",
                 "The safe start block: millimetres, XY plane, compensations and cycles cancelled, absolute "
                 "coordinates.")),
        (8, 9, t("Narzędzie 2, frez palcowy o średnicy 10 milimetrów, jedzie do punktu startu poza detalem.",
                 "Įrankis 2, 10 mm pirštinė freza, greitąja eiga juda į pradžios tašką už detalės ribų.",
                 "Tool 2, a 10 mm end mill, moves in rapid to the start point outside the part.")),
        (11, 7, t("G01 zagłębia frez na 3 milimetry obok materiału, z małym posuwem.",
                  "G01 įleidžia frezą 3 mm gylyje šalia medžiagos, maža pastūma.",
                  "G01 plunges the cutter 3 mm deep beside the material, at a slow feed.")),
        (12, 9, t("G41 włącza korekcję promienia: sterowanie prowadzi frez 5 milimetrów na lewo od konturu.",
                  "G41 įjungia spindulio korekciją: valdymas veda frezą 5 mm į kairę nuo kontūro.",
                  "G41 switches on radius compensation: the control keeps the cutter 5 mm left of the contour.")),
        (13, 10, t("G01 frezuje prostą wzdłuż Y, a G02 z adresem R wykonuje łuk zgodnie ze wskazówkami zegara.",
                  "G01 frezuoja tiesę išilgai Y, o G02 su R – lanką pagal laikrodžio rodyklę, 10 mm spinduliu.",
                  "G01 cuts straight along Y; G02 with R cuts a clockwise arc of radius 10 mm.")),
        (18, 7, t("Ostatni łuk ma adresy I i J: środek łuku liczony od punktu początkowego.",
                  "Paskutinis lankas su I ir J: centras nurodomas nuo lanko pradžios taško.",
                  "The last arc uses I and J: the centre is given from the arc's start point.")),
        (20, 7, t("G40 na wyjeździe odwołuje korekcję, z dala od gotowej krawędzi.",
                  "G40 atšaukia korekciją išvažiuojant, toliau nuo baigtos briaunos.",
                  "G40 cancels the compensation on the lead-out, away from the finished edge.")),
        (21, 8, t("Wycofanie, stop chłodziwa i wrzeciona, oś Z do bazy, M30 kończy program.",
                  "Atitraukimas, aušinimas ir verpstė išjungiami, Z į bazę, M30 baigia programą.",
                  "Retract, coolant and spindle off, Z to home, and M30 ends the program.")),
    ]
    scenes = cnc_scenes(COURSES / "cnc/files/contour-arcs.nc", 5.0, (-5, -5, 75, 55), (-20, -20, 85, 62),
                        rounded_part(), groups)
    return Video("cnc", "contour-arcs", "O1002 · G01 G02 G41 · D10", scenes, narration="pl")


def face_milling_video() -> Video:
    groups = [
        (0, 6, t("Program O1001 frezuje czołowo stalową płytę 100 × 60 mm głowicą o średnicy 50 mm.",
                 "Programa O1001 plokštumiškai frezuoja 100 × 60 mm plieninę plokštę 50 mm skersmens freza.",
                 "Program O1001 face mills a 100 × 60 mm steel plate with a 50 mm face mill.")),
        (6, 5, t("Blok bezpieczeństwa ustawia sterowanie w znanym stanie przed pierwszym ruchem.",
                 "Saugos kadras prieš pirmąjį judesį nustato valdymą į žinomą būseną.",
                 "The safe start block puts the control into a known state before any motion.")),
        (7, 5, t("T1 M06: zmieniacz wkłada narzędzie 1, głowicę frezową.",
                 "T1 M06: įrankių keitiklis įdeda 1-ąjį įrankį – plokštuminę frezą.",
                 "T1 M06: the tool changer loads tool 1, the face mill.")),
        (8, 6, t("G54 wybiera bazę przedmiotu; G00 szybko do X −30, poza płytę; M03 włącza wrzeciono.",
                 "G54 parenka ruošinio bazę; G00 greitąja eiga į X −30, už plokštės; M03 įjungia verpstę.",
                 "G54 selects the work offset; G00 moves in rapid to X −30, clear of the plate; M03 starts the "
                 "spindle.")),
        (9, 6, t("G43 H01 uwzględnia długość narzędzia, M08 włącza chłodziwo, głowica zjeżdża do Z 2.",
                 "G43 H01 įvertina įrankio ilgį, M08 įjungia aušinimą, freza nusileidžia iki Z 2.",
                 "G43 H01 applies the tool length, M08 turns the coolant on, and the mill comes down to Z 2.")),
        (11, 5, t("G01 z posuwem 200 mm/min do Z 0: zostanie zdjęty górny milimetr naddatku.",
                  "G01 200 mm/min pastūma iki Z 0: bus nuimtas viršutinis užlaidos milimetras.",
                  "G01 feeds down to Z 0 at 200 mm/min: the top millimetre of stock will be removed.")),
        (12, 7, t("Przejście 1 do X 130 z posuwem 635 mm/min; głowica wychodzi poza obie krawędzie płyty.",
                  "1-asis perėjimas iki X 130, 635 mm/min pastūma; freza išsikiša už abiejų plokštės kraštų.",
                  "Pass 1 runs to X 130 at 635 mm/min; the mill overhangs both edges of the plate.")),
        (13, 7, t("G00 przesuwa o 30 mm poza detalem, a przejście 2 wraca do X −30.",
                  "G00 pasislenka 30 mm už detalės ribų, o 2-asis perėjimas grįžta iki X −30.",
                  "G00 steps over 30 mm clear of the part, then pass 2 cuts back to X −30.")),
        (15, 6, t("Wycofanie, chłodziwo stop, wrzeciono stop, Z do bazy i M30: koniec programu.",
                  "Atitraukimas, aušinimas ir verpstė išjungiami, Z į bazę, M30 – programos pabaiga.",
                  "Retract, coolant off, spindle stop, Z home, and M30: end of program.")),
    ]
    scenes = cnc_scenes(COURSES / "cnc/files/face-milling.nc", 25.0, (0, 0, 100, 60), (-58, -15, 158, 75), None,
                        groups)
    return Video("cnc", "face-milling", "O1001 · G00 G01 · D50", scenes)


def plate_cut_video() -> Video:
    order = plate_contours(COURSES / "laser/files/plate-200x100-holes.dxf")
    view = Viewport(WIDE, (-15, -15, 215, 115))
    origin = view(0, 0)

    def drawing(draw, p: float) -> None:
        plot_box(draw, WIDE)
        for contour in order:
            points = densify(contour.points)
            shown = points[: max(2, int(len(points) * ease(min(1.0, p * 1.5))))]
            draw.line([view(*q) for q in shown], fill=BLUE, width=3)
        label(draw, (view(100, 0)[0], origin[1] + 26), "200", 24, MUTED)
        label(draw, (origin[0] - 30, view(0, 50)[1]), "100", 24, MUTED)
        label(draw, view(100, 50), "Ø40", 26, INK, bold=True)
        label(draw, view(15, 30), "Ø10", 24, INK)

    def numbered(draw, p: float) -> None:
        plot_box(draw, WIDE)
        for index, contour in enumerate(order):
            draw.line([view(*q) for q in densify(contour.points)], fill=BLUE, width=3)
            if p * len(order) > index:
                x, y = view(*contour.pierce)
                draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=RED)
                label(draw, (x, y - 26), str(index + 1), 26, RED, bold=True)

    def cutting(pieces: tuple[int, int]):
        def paint(draw, p: float) -> None:
            plot_box(draw, WIDE)
            for contour in order:
                draw.line([view(*q) for q in densify(contour.points)], fill=GREY, width=2)
            index, fraction = laser_sequence(order, pieces, p)
            paint_cutting(draw, view, order, index, fraction)
        return paint

    return Video("laser", "plate-cut-sequence", "DXF 200 × 100 · CUT · 1 → 6", [
        Scene(6, t("Rysunek DXF: płyta 200 × 100 mm z czterema otworami Ø10 i jednym Ø40, wszystko na warstwie CUT.",
                   "DXF brėžinys: 200 × 100 mm plokštė su keturiomis Ø10 ir viena Ø40 skylėmis, visos sluoksnyje CUT.",
                   "The DXF drawing: a 200 × 100 mm plate with four Ø10 holes and one Ø40 hole, all on layer CUT."),
              drawing),
        Scene(6, t("Najpierw kontury wewnętrzne: wycięty wcześniej detal mógłby się przesunąć lub przechylić.",
                   "Pirmiausia pjaunami vidiniai kontūrai: anksčiau išpjauta detalė galėtų pasislinkti ar pasvirti.",
                   "Inner contours are cut first: a part cut free first could shift or tip."), numbered),
        Scene(7, t("Każdy otwór zaczyna się przebiciem wewnątrz, w odpadzie, i krótkim dojściem do krawędzi.",
                   "Kiekviena skylė pradedama pradūrimu jos viduje, atliekoje, ir trumpu įėjimu iki briaunos.",
                   "Each hole starts with a pierce point inside it, in the scrap, and a short lead-in to the edge."),
              cutting((0, 2))),
        Scene(6, t("Otwór Ø40: głowica jedzie najkrótszą drogą do następnego punktu przebicia (linia przerywana).",
                   "Skylė Ø40: galvutė trumpiausiu keliu juda iki kito pradūrimo taško (punktyras).",
                   "The Ø40 hole: the head takes the shortest rapid move to the next pierce point (dashed)."),
              cutting((2, 3))),
        Scene(6, t("Dwa otwory po prawej kończą kontury wewnętrzne.",
                   "Dvi skylės dešinėje užbaigia vidinius kontūrus.",
                   "The two holes on the right complete the inner contours."), cutting((3, 5))),
        Scene(7, t("Kontur zewnętrzny na końcu; jego przebicie leży poza detalem, w szkielecie arkusza.",
                   "Išorinis kontūras paskutinis; jo pradūrimas yra už detalės, lakšto skelete.",
                   "The outer contour comes last; its pierce point is outside the part, in the skeleton."),
              cutting((5, 6))),
        Scene(6, t("Sześć przebić, sześć konturów, od środka na zewnątrz: kolejność jest ponumerowana na rysunku.",
                   "Šeši pradūrimai, šeši kontūrai, iš vidaus į išorę: tvarka sunumeruota brėžinyje.",
                   "Six pierces, six contours, inside to outside: the order is numbered on the drawing."),
              lambda draw, p: cutting((5, 6))(draw, 1.0)),
    ])


SHEET = (640.0, 340.0)
GAP = 10.0


def nesting_video() -> Video:
    plate = plate_contours(COURSES / "laser/files/plate-200x100-holes.dxf")
    view = Viewport(WIDE, (-10, -10, SHEET[0] + 10, SHEET[1] + 10))
    # Row by row, snake-wise: left to right, then right to left.
    places = []
    for row in range(3):
        columns = range(3) if row % 2 == 0 else range(2, -1, -1)
        places += [(GAP + column * (200 + GAP), SHEET[1] - (row + 1) * (100 + GAP)) for column in columns]
    parts = [[moved(c, dx, dy) for c in plate] for dx, dy in places]
    order = [c for part in parts for c in part]
    gaps = [(dx + 100, dy + offset) for dx, dy in places for offset in (0, 100)]
    holes = sum(math.pi * (math.dist(c.points[0], c.pierce) * 2) ** 2 for c in plate if c.inner)
    share = 100 * len(places) * (200 * 100 - holes) / (SHEET[0] * SHEET[1])
    local = {"pl": f"{share:.1f}".replace(".", ","), "lt": f"{share:.1f}".replace(".", ","), "en": f"{share:.1f}"}

    def sheet(draw) -> None:
        plot_box(draw, WIDE)
        draw.rectangle((*view(0, SHEET[1]), *view(*SHEET[:1], 0)), fill="#e9ecef", outline=MUTED, width=2)

    def outlines(draw, count: int) -> None:
        for part in parts[:count]:
            for contour in part:
                draw.line([view(*q) for q in densify(contour.points)], fill=GREY, width=2)

    def placing(draw, p: float) -> None:
        sheet(draw)
        outlines(draw, min(len(parts), int(p * (len(parts) + 2))))

    def cutting(first_part: int, last_part: int, highlight: bool = False):
        pieces = (first_part * len(plate), last_part * len(plate))

        def paint(draw, p: float) -> None:
            sheet(draw)
            outlines(draw, len(parts))
            index, fraction = laser_sequence(order, pieces, p)
            paint_cutting(draw, view, order, index, fraction, numbers=False, gaps=gaps, width=3)
            if highlight:
                radius = 10 + 6 * math.sin(p * math.pi * 6)
                for x, y in (view(*g) for g in gaps):
                    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=RED, width=3)
        return paint

    return Video("laser", "nesting-sequence", "640 × 340 · 9 × (200 × 100)", [
        Scene(7, t("Nesting: dziewięć płyt 200 × 100 mm na arkuszu 640 × 340 mm, 10 mm odstępu i od krawędzi.",
                   "Išdėstymas: devynios 200 × 100 mm plokštės 640 × 340 mm lakšte, 10 mm tarpai ir nuo kraštų.",
                   "Nesting: nine 200 × 100 mm plates on a 640 × 340 mm sheet, 10 mm apart and from the edges."),
              placing),
        Scene(8, t("Detale tnie się rząd po rzędzie, wężykiem, aby głowica nie jeździła pusto przez arkusz.",
                   "Detalės pjaunamos eilė po eilės gyvatėle, kad galvutė tuščiai nevažinėtų per lakštą.",
                   "Parts are cut row by row in a snake pattern, so the head never crosses the sheet empty."),
              cutting(0, 3)),
        Scene(8, t("W każdym detalu najpierw otwory, potem jego kontur zewnętrzny.",
                   "Kiekvienoje detalėje pirmiausia skylės, paskui išorinis kontūras.",
                   "In every part the holes come first, then its outer contour."), cutting(3, 6)),
        Scene(8, t("Dwa mikrołączenia na detal, małe nieprzecięte mostki, trzymają płyty w szkielecie.",
                   "Dvi mikrojungtys detalėje – maži nepjauti tilteliai – laiko plokštes skelete.",
                   "Two microjoints per part, small uncut bridges, keep the plates in the skeleton."),
              cutting(6, 9)),
        Scene(6, t("Po cięciu detale wyłamuje się na mikrołączeniach i sortuje.",
                   "Po pjovimo detalės išlaužiamos ties mikrojungtimis ir surūšiuojamos.",
                   "After cutting, the parts are broken out at the microjoints and sorted."),
              lambda draw, p: cutting(8, 9, highlight=True)(draw, 0.999 + p * 0.001)),
        Scene(7, {lang: text.format(share=local[lang]) for lang, text in t(
            "Wykorzystanie arkusza: pole detali / pole arkusza = {share} %; reszta to szkielet i wypady z otworów.",
            "Lakšto išnaudojimas: detalių plotas / lakšto plotas = {share} %; likutis – skeletas ir skylių iškritos.",
            "Sheet utilisation: part area / sheet area = {share} %; the rest is skeleton and hole slugs.").items()},
              lambda draw, p: (cutting(8, 9)(draw, 1.0), label(draw, view(SHEET[0] / 2, SHEET[1] / 2),
                                                             f"{local['en']} %", 64, RED, bold=True, box="#ffffffcc"))),
    ])
