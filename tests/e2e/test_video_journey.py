"""A trainee on a phone watches a converted lesson video: HLS through hls.js, Lithuanian captions, seeking, and
coming back to the same second after a reload."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.core.permissions import Role
from tests.media import make_video

LT_CUE = "Laikykite degiklį 15 laipsnių kampu"
PL_CUE = "Trzymaj palnik pod kątem 15 stopni"


def vtt(text: str, seconds: int) -> bytes:
    return f"WEBVTT\n\n00:00:00.000 --> 00:00:{seconds:02d}.000\n{text}\n".encode()


def build_video_lesson(live_server, trainee_email: str, tmp_path) -> tuple[int, int, int]:
    """A course whose lesson holds a 24 s video converted by the real pipeline, with Polish and Lithuanian
    captions."""
    from app.accounts.services import find_user_by_email
    from app.catalogue import captions
    from app.catalogue.models import Material, MaterialKind, MaterialStatus, MediaStatus
    from app.extensions import db
    from app.jobs.outbox import enqueue, run_here
    from tests.factories.catalogue import create_course, create_material, first_lesson
    from tests.factories.enrolment import enrol

    source = make_video(tmp_path / "mig.mp4", seconds=24, width=960, height=540, fps=12)
    with live_server.app.app_context():
        course = create_course(title={"pl": "Spawanie MIG/MAG", "en": "MIG/MAG welding"})
        lesson = first_lesson(course)
        material = create_material(lesson, data=source.read_bytes(), filename="mig.mp4", kind=MaterialKind.VIDEO,
                                   content_type="video/mp4", status=MaterialStatus.PROCESSING,
                                   media_status=MediaStatus.PROCESSING)
        enqueue("catalogue.process_video", {"material": material.id})
        db.session.commit()
        run_here()  # the worker's job, in this process
        material = db.session.get(Material, material.id)
        assert material.media_status == MediaStatus.READY, material.media
        captions.store_captions(None, material, "pl", vtt(PL_CUE, 24), "pl.vtt")
        captions.store_captions(None, material, "lt", vtt(LT_CUE, 24), "lt.vtt")
        enrol(find_user_by_email(trainee_email), course)
        db.session.commit()
        return course.id, lesson.id, material.id


def test_a_trainee_on_a_phone_plays_hls_with_lithuanian_captions_and_resumes(page, live_server, make_user,
                                                                             browser_login, tmp_path):
    trainee = make_user(Role.TRAINEE, language="pl")
    course_id, lesson_id, material_id = build_video_lesson(live_server, trainee["email"], tmp_path)
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(trainee["email"])
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))

    page.goto(live_server(f"/courses/{course_id}/lessons/{lesson_id}"))
    video = page.locator(f"video[data-material-id='{material_id}']")
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    assert page.evaluate("document.querySelector('video').src").startswith("blob:")  # MSE: hls.js plays it
    assert any(url.endswith("/hls/master.m3u8") for url in fetched)
    assert any(re.search(r"/hls/\d+p/[^/]+\.(ts|m4s)$", url) for url in fetched), fetched
    # Polish is the trainee's language: its captions are preselected; they switch to Lithuanian.
    subtitles = page.get_by_label("Napisy")
    expect(subtitles).to_have_value("pl")
    subtitles.select_option("lt")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 1")
    page.wait_for_function("""() => { const t = Array.from(document.querySelector('video').textTracks)
        .find((track) => track.language === 'lt');
        return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0; }""")
    cue = page.evaluate("""() => Array.from(document.querySelector('video').textTracks)
        .find((track) => track.language === 'lt').activeCues[0].text""")
    assert cue == LT_CUE
    assert page.evaluate("""() => Array.from(document.querySelector('video').textTracks)
        .find((track) => track.language === 'pl').mode""") == "disabled"
    # Seek ahead, watch a little, pause: the position is reported.
    page.evaluate("() => { document.querySelector('video').currentTime = 14; }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 15")
    with page.expect_response(re.compile(r"/beacon$")):
        page.evaluate("() => document.querySelector('video').pause()")
    stopped = page.evaluate("document.querySelector('video').currentTime")
    # No sideways scrolling on the phone, with the player's options shown.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.reload()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.wait_for_function("() => document.querySelector('video').currentTime > 5")
    resumed = page.evaluate("document.querySelector('video').currentTime")
    assert int(resumed) == int(stopped), (stopped, resumed)
