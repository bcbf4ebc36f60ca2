"""The course videos: the generator's parsing and caption timing (cheap, nothing rendered), and the committed files
in courses/ (probed with PyAV, captions parsed as the app parses uploads)."""

import array
import itertools
import math
from pathlib import Path

import av
import pytest
import yaml

from app.catalogue.captions import parse_captions
from scripts.course_videos.catalogue import VIDEOS
from scripts.course_videos.render import LANGUAGES, timestamp, webvtt
from scripts.course_videos.sources import contours, cut_order, parse_dxf, parse_gcode, strip_comment

COURSES = Path(__file__).resolve().parents[2] / "courses"
COMMITTED = sorted(COURSES.glob("*/files/*.mp4"))


def moving(moves):
    return [m for m in moves if m.kind != "none"]


def test_gcode_arcs_by_radius_and_by_centre_offsets():
    moves = parse_gcode((COURSES / "cnc/files/contour-arcs.nc").read_text(encoding="utf-8"))
    lines = (COURSES / "cnc/files/contour-arcs.nc").read_text(encoding="utf-8").splitlines()
    assert [m.line for m in moves] == list(range(len(lines)))  # one move per line: the panel highlights it
    arcs = [m for m in moves if m.kind == "arc"]
    assert [(m.start[:2], m.end[:2], m.centre, m.clockwise) for m in arcs] == [
        ((0, 40), (10, 50), (10, 40), True),  # G02 ... R10.
        ((60, 50), (70, 40), (60, 40), True),
        ((70, 10), (60, 0), (60, 10), True),  # G02 ... I-10. J0. (from the start point)
    ]
    assert all(m.length == pytest.approx(math.pi * 10 / 2) for m in arcs)  # quarter circles
    assert arcs[0].at(0.5)[:2] == pytest.approx((10 - 10 * math.cos(math.pi / 4), 40 + 10 * math.sin(math.pi / 4)))
    lead_in = next(m for m in moves if "G41 D02" in strip_comment(lines[m.line]))
    lead_out = next(m for m in moves if "G40 G01" in strip_comment(lines[m.line]))
    assert lead_in.compensation == "left" and moves[lead_in.line + 1].compensation == "left"
    assert lead_out.compensation == "off"


def test_gcode_incremental_counterclockwise_full_circle_and_drilling():
    moves = moving(parse_gcode("G90 G00 X10 Y0 Z5\nG91 G01 X5 Y5 F100\nG03 X0 Y0 I-5 J0\nG90 G81 X30 Y30 Z-5 R2\n"
                               "X40\nG80\nG00 X0 Y0 (BACK HOME)\n"))
    assert [m.kind for m in moves] == ["rapid", "feed", "arc", "drill", "drill", "rapid"]
    assert moves[1].end == (15, 5, 5)  # incremental from X10 Y0
    circle = moves[2]
    assert circle.centre == (10, 5) and not circle.clockwise and circle.sweep == pytest.approx(2 * math.pi)
    assert [m.end[:2] for m in moves[3:5]] == [(30, 30), (40, 30)] and moves[3].end[2] == 5  # Z stays above
    assert moves[-1].end == (0, 0, 5)


def test_gcode_arc_by_negative_radius_goes_the_long_way():
    short, long = (moving(parse_gcode(f"G00 X0 Y0\nG02 X10 Y0 R{r}\n"))[1] for r in ("5.0001", "-5.0001"))
    assert short.length < long.length == pytest.approx(2 * math.pi * 5.0001 - short.length, rel=1e-3)


def test_dxf_entities_and_cut_order_inside_first():
    entities = parse_dxf((COURSES / "laser/files/plate-200x100-holes.dxf").read_text(encoding="utf-8"))
    assert [e.kind for e in entities].count("LINE") == 4 and [e.kind for e in entities].count("CIRCLE") == 5
    assert {e.layer for e in entities} == {"CUT"}
    order = cut_order(contours(entities))
    assert [c.inner for c in order] == [True] * 5 + [False]  # the outline last
    outline = order[-1]
    assert outline.points[0] == outline.points[-1] and outline.pierce == (-5, -5)  # pierced in the scrap
    big = next(c for c in order if max(x for x, _ in c.points) - min(x for x, _ in c.points) > 30)
    assert math.dist(big.pierce, (100, 50)) < 20  # inside the hole


def test_dxf_with_an_entity_we_do_not_draw_is_refused():
    text = "0\nSECTION\n2\nENTITIES\n0\nSPLINE\n8\nCUT\n0\nENDSEC\n0\nEOF\n"
    with pytest.raises(ValueError, match="SPLINE"):
        parse_dxf(text)


@pytest.mark.parametrize("make", VIDEOS, ids=lambda make: make.__name__)
def test_captions_are_timed_inside_the_video_in_three_languages(make):
    video = make()
    cues = video.cues()
    assert 30 <= video.duration <= 120
    assert all(0 <= c.start < c.end <= video.duration for c in cues)
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))  # ordered, one at a time
    assert all(set(c.text) == set(LANGUAGES) and all(t.strip() for t in c.text.values()) for c in cues)
    for language in LANGUAGES:  # what is committed is what the script writes now
        committed = COURSES / video.spec / "files" / f"{video.name}.{language}.vtt"
        assert committed.read_text(encoding="utf-8") == webvtt(cues, language)


def test_caption_timestamps():
    assert timestamp(0) == "00:00:00.000" and timestamp(61.25) == "00:01:01.250" and timestamp(3600) == "01:00:00.000"


def test_every_specialisation_has_two_videos_and_the_courses_use_them_all():
    assert len(COMMITTED) >= 8
    assert {path.parent.parent.name for path in COMMITTED} == {"cnc", "welding", "laser", "logistics"}
    assert all(sum(p.parent.parent.name == spec for p in COMMITTED) >= 2 for spec in ("cnc", "laser", "welding",
                                                                                     "logistics"))
    used = {}
    for course in COURSES.glob("*/course.yaml"):
        for module in yaml.safe_load(course.read_text(encoding="utf-8"))["modules"]:
            for lesson in module["lessons"]:
                for material in lesson.get("materials") or []:
                    if material["kind"] == "video":
                        used[(course.parent / material["file"]).resolve()] = material
    assert set(used) == {path.resolve() for path in COMMITTED}
    assert all(set(m["captions"]) == set(LANGUAGES) for m in used.values())
    assert any(m["language"] != "any" for m in used.values())  # the narrated one says its language


@pytest.mark.parametrize("path", COMMITTED, ids=lambda path: path.name)
def test_committed_video_is_a_short_phone_friendly_mp4_with_captions(path):
    assert path.stat().st_size < 5 * 2**20
    with av.open(str(path)) as container:
        duration = container.duration / 1_000_000
        picture, sound = container.streams.video[0], container.streams.audio[0]
        assert picture.codec_context.name == "h264" and sound.codec_context.name == "aac"
        assert (picture.width, picture.height) in ((1280, 720), (960, 540))
        assert picture.average_rate <= 25
    assert 30 <= duration <= 120
    for language in LANGUAGES:
        captions = path.with_name(f"{path.stem}.{language}.vtt")
        parsed = parse_captions(captions.read_bytes(), captions.name)
        assert parsed.cue_count >= 5 and parsed.last_cue_end <= duration


def test_the_narrated_video_has_speech_in_its_track():
    narrated = [make() for make in VIDEOS if make().narration]
    assert narrated
    for video in narrated:
        loudest = 0.0
        with av.open(str(COURSES / video.spec / "files" / f"{video.name}.mp4")) as container:
            for frame in container.decode(audio=0):
                loudest = max(loudest, max(abs(s) for s in array.array("f", bytes(frame.planes[0]))[:frame.samples]))
        assert loudest > 0.1, "made without espeak-ng? run make course-videos with espeak-ng installed"


def test_without_espeak_the_narrated_video_gets_a_silent_track_and_says_so(monkeypatch):
    from scripts.course_videos import render

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    video = next(make() for make in VIDEOS if make().narration)
    samples, description = render.soundtrack(video)
    assert len(samples) == int(video.duration * render.SAMPLE_RATE) and not any(samples)
    assert "espeak-ng is not installed" in description
