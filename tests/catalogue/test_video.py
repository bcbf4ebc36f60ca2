"""``app.catalogue.video`` on small files made on the spot: what probing finds, what converting makes."""

from __future__ import annotations

import os
from pathlib import Path

import av
import pytest

from app.catalogue import video
from tests.catalogue.samples import MP4
from tests.catalogue.videos import band_side, make_video, picture_size, playlist

SAMPLE = Path(__file__).parent / "sample.mp4"


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """5 s of 320x240 at 24 fps with sound."""
    return make_video(tmp_path_factory.mktemp("clip") / "clip.mp4", 5, 320, 240)


def test_probe_reads_duration_size_codecs_and_rate():
    assert video.probe(SAMPLE) == video.Probe(duration=2.0, width=64, height=48, video_codec="h264",
                                              audio_codec="aac", rotation=0, fps=10.0)


def test_probe_finds_a_phone_videos_rotation_and_reports_the_upright_size(tmp_path):
    made = make_video(tmp_path / "portrait.mp4", 1, 320, 240, rotation=90, audio=False)
    probe = video.probe(made)
    assert (probe.rotation, probe.width, probe.height, probe.audio_codec) == (90, 240, 320, None)


@pytest.mark.parametrize("content", [
    os.urandom(20_000),                          # random bytes
    MP4[:len(MP4) // 2],                         # a real MP4 cut in half: its index is lost
    MP4[:64] + os.urandom(20_000),               # a believable header, then noise
    b"",                                         # nothing
], ids=["random", "truncated", "header-then-noise", "empty"])
def test_what_is_not_a_readable_video_is_refused_by_probe(tmp_path, content):
    path = tmp_path / "film.mp4"
    path.write_bytes(content)
    with pytest.raises(video.NotAVideo):
        video.probe(path)


def test_a_file_with_only_sound_is_not_a_video(tmp_path):
    path = tmp_path / "sound.m4a"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=48000)
        tone = av.filter.Graph()
        tone.add("sine", "duration=1").link_to(tone.add("abuffersink"))
        tone.configure()
        while True:
            try:
                container.mux(stream.encode(tone.pull()))
            except (av.error.EOFError, BlockingIOError):
                break
        container.mux(stream.encode(None))
    with pytest.raises(video.NotAVideo, match="no video stream"):
        video.probe(path)


@pytest.mark.parametrize(("size", "heights", "expected"), [
    ((1920, 1080), (360, 540, 720), [(640, 360), (960, 540), (1280, 720)]),
    ((1280, 720), (720, 360, 1080), [(640, 360), (1280, 720)]),       # never upscaled, ascending
    ((320, 240), (360, 540, 720), [(320, 240)]),                      # below every height: its own
    ((1080, 1920), (360, 720), [(202, 360), (404, 720)]),             # portrait: even widths
    ((853, 481), (360,), [(638, 360)]),
])
def test_the_ladder_keeps_the_aspect_ratio_with_even_sizes(size, heights, expected):
    source = video.Probe(10.0, size[0], size[1], "h264", None, 0, 25.0)
    assert video.ladder(source, heights) == expected


def test_convert_makes_renditions_an_hls_ladder_a_poster_and_thumbnails(clip, tmp_path):
    seen = []
    made = video.convert(clip, tmp_path, (120, 240, 360), preset="ultrafast", on_progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 10  # a share of the work, as it goes
    assert [(r.width, r.height) for r in made.renditions] == [(160, 120), (320, 240)]
    for rendition in made.renditions:
        probe = video.probe(rendition.path)
        assert (probe.video_codec, probe.audio_codec, probe.width, probe.height) == (
            "h264", "aac", rendition.width, rendition.height)
        assert abs(probe.duration - 5.0) < 0.5
        with av.open(str(rendition.path)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.pix_fmt == "yuv420p"
            keyframes = [round(float(p.pts * stream.time_base), 2) for p in container.demux(stream)
                         if p.is_keyframe]
        assert keyframes == [0.0, 2.0, 4.0]  # every 2 s, the same in every rendition
        assert rendition.path.read_bytes()[4:8] == b"ftyp" and b"moov" in rendition.path.read_bytes()[:4096]
    master = playlist(made.master.read_text())
    assert [uri for uri, _ in master] == ["120p/index.m3u8", "240p/index.m3u8"]
    text = made.master.read_text()
    assert 'RESOLUTION=160x120,CODECS="avc1.' in text and "BANDWIDTH=" in text
    durations = []
    for uri, _ in master:
        variant = made.master.parent / uri
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in variant.read_text() and "#EXT-X-ENDLIST" in variant.read_text()
        segments = playlist(variant.read_text())
        assert all("/" not in name for name, _ in segments)  # relative, beside the playlist
        assert all((variant.parent / name).stat().st_size > 0 for name, _ in segments)
        assert abs(sum(seconds for _, seconds in segments) - 5.0) < 0.5
        durations.append([seconds for _, seconds in segments])
    assert durations[0] == durations[1] == [4.0, 1.0]  # segments line up across renditions
    assert picture_size(made.poster) == ("mjpeg", 320, 240) and made.poster_size == (320, 240)
    assert [at for _, at in made.thumbnails] == [0.62, 1.88, 3.12, 4.38]
    assert all(picture_size(path) == ("mjpeg", 240, 180) for path, _ in made.thumbnails)


def test_a_rerun_writes_the_same_files(clip, tmp_path):
    first = video.convert(clip, tmp_path, (240,), preset="ultrafast")
    names = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    second = video.convert(clip, tmp_path, (240,), preset="ultrafast")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == names
    assert second.renditions[0].path == first.renditions[0].path


def test_a_portrait_phone_video_comes_out_upright(tmp_path):
    source = make_video(tmp_path / "phone.mp4", 2, 320, 240, rotation=90)
    assert band_side(source) == "top"  # as stored; a player turns it by the display matrix
    made = video.convert(source, tmp_path / "out", (120, 240), preset="ultrafast")
    assert [(r.width, r.height) for r in made.renditions] == [(90, 120), (180, 240)]
    for rendition in made.renditions:
        assert video.probe(rendition.path).rotation == 0  # no matrix left: the pixels themselves stand upright
        assert band_side(rendition.path) == "right"  # the stored top, turned a quarter clockwise
    assert picture_size(made.poster)[1:] == (180, 240)


def test_fifty_frames_a_second_are_thinned_to_thirty(tmp_path):
    source = make_video(tmp_path / "fast.mp4", 2, 160, 120, fps=50, audio=False)
    made = video.convert(source, tmp_path / "out", (120,), preset="ultrafast")
    with av.open(str(made.renditions[0].path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert 58 <= frames <= 61 and video.probe(made.renditions[0].path).audio_codec is None


def test_a_video_cut_off_after_its_index_is_not_converted(tmp_path):
    whole = make_video(tmp_path / "whole.mp4", 12, 160, 120, audio=False)
    faststart = tmp_path / "faststart.mp4"
    with av.open(str(whole)) as source, av.open(str(faststart), "w", format="mp4",
                                                  options={"movflags": "+faststart"}) as target:
        stream = target.add_stream_from_template(source.streams.video[0])
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                target.mux(packet)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(faststart.read_bytes()[:faststart.stat().st_size // 3])
    assert video.probe(cut).duration == 12.0  # the index is whole and promises 12 s
    with pytest.raises(video.NotAVideo, match="truncated"):
        video.convert(cut, tmp_path / "out", (120,), preset="ultrafast")


def test_a_concat_script_named_mp4_is_not_read_as_one(tmp_path):
    """Left to guess, FFmpeg reads "ffconcat" text as a list of other files to play: uploads are read only as the
    video formats uploads accept."""
    (tmp_path / "secret.mp4").write_bytes(SAMPLE.read_bytes())
    path = tmp_path / "film.mp4"
    path.write_text("ffconcat version 1.0\nfile secret.mp4\n")
    with av.open(str(path)) as unguarded:
        assert unguarded.format.name == "concat"  # what the guard prevents
    with pytest.raises(video.NotAVideo):
        video.probe(path)
