"""Test videos made on the spot with PyAV: FFmpeg's moving test pattern (testsrc2) and a tone (sine)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av


def _pull(graph):
    """Every frame a source filter graph gives until it ends."""
    while True:
        try:
            yield graph.pull()
        except (av.error.EOFError, BlockingIOError):
            return


def make_video(path: Path, seconds: float, width: int, height: int, fps: int = 24, *, rotation: int = 0,
               audio: bool = True, preset: str = "ultrafast", bitrate: int | None = None) -> Path:
    """An MP4 (H.264 + AAC) of ``seconds`` of moving pattern and a 440 Hz tone. With ``rotation`` (clockwise
    degrees) the picture is stored turned the other way and the display matrix says how to stand it up, as a phone
    filming upright does; ``bitrate`` makes big files fast (ultrafast at a high constant rate)."""
    video = av.filter.Graph()
    pattern = video.add("testsrc2", f"size={width}x{height}:rate={fps}:duration={seconds}")
    # A white band along the top of the stored picture: where it ends up tells which way a rotation went.
    band = video.add("drawbox", f"x=0:y=0:w=iw:h={max(2, height // 8)}:color=white:t=fill")
    pattern.link_to(band)
    band.link_to(video.add("buffersink"))
    video.configure()
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": preset, **(
            {"b": str(bitrate), "minrate": str(bitrate), "maxrate": str(bitrate), "bufsize": str(bitrate)}
            if bitrate else {"crf": "28"})})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation:
            stream.set_display_rotation(-rotation)  # FFmpeg counts counter-clockwise
        sound = None
        if audio:
            sound = container.add_stream("aac", rate=48000)
            sound.codec_context.layout = "mono"
        for index, frame in enumerate(_pull(video)):
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if sound is not None:
            tone = av.filter.Graph()
            tone.add("sine", f"frequency=440:sample_rate=48000:duration={seconds}").link_to(tone.add("abuffersink"))
            tone.configure()
            for frame in _pull(tone):
                container.mux(sound.encode(frame))
            container.mux(sound.encode(None))
    return path


def playlist(text: str) -> list[tuple[str, float | None]]:
    """The URIs an M3U8 playlist lists, each with its #EXTINF duration (None in a master playlist)."""
    assert text.startswith("#EXTM3U"), text[:40]
    entries, duration = [], None
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:"):].split(",")[0])
        elif line and not line.startswith("#"):
            entries.append((line, duration))
            duration = None
    return entries


def picture_size(path: Path) -> tuple[str, int, int]:
    """Codec, width and height of a still picture, decoded."""
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        return container.streams.video[0].codec_context.name, frame.width, frame.height


def band_side(path: Path) -> str:
    """Where the white band ``make_video`` draws along the stored top edge shows in the first frame as played."""
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
    plane = frame.planes[0]
    rows = bytes(plane)
    line = plane.line_size

    def luma(x: int, y: int) -> int:
        return rows[y * line + x]

    w, h = frame.width, frame.height
    sides = {"top": luma(w // 2, 1), "bottom": luma(w // 2, h - 2), "left": luma(1, h // 2),
             "right": luma(w - 2, h // 2)}
    return max(sides, key=sides.get)
