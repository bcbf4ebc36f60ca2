"""Frames, captions, narration and the MP4 container of a course video.

A video is a list of scenes: each lasts a fixed time, draws itself from its progress (0..1) and carries one caption
cue in pl, lt and en, so the captions are timed to the animation by construction and every language has the same
cues. Encoding is single-threaded x264 with bit-exact flags, so a second run writes the same bytes.
"""

from __future__ import annotations

import array
import io
import shutil
import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT, FPS = 1280, 720, 10
SAMPLE_RATE = 22050
LANGUAGES = ("pl", "lt", "en")
#: The bottom band stays free of drawing: the player shows the captions there.
CAPTION_BAND = 120
FONTS = Path(__file__).resolve().parents[2] / "app" / "static" / "fonts"

BACKGROUND, INK, MUTED = "#f8f9fa", "#1f2933", "#868e96"
BLUE, ORANGE, GREEN, RED, YELLOW, GREY = "#1c7ed6", "#e8590c", "#2f9e44", "#c92a2a", "#ffd43b", "#ced4da"
PANEL, PANEL_TEXT = "#212529", "#e9ecef"

Painter = Callable[[ImageDraw.ImageDraw, float], None]


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


@dataclass(frozen=True)
class Scene:
    seconds: float
    captions: dict[str, str]  # language -> the cue's text
    paint: Painter  # draws the scene at its progress 0..1


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: dict[str, str]


@dataclass
class Video:
    """One video of a course: ``courses/<spec>/files/<name>.mp4`` and ``<name>.<lang>.vtt``."""

    spec: str
    name: str
    title: str  # shown in the frame's header: codes and numbers that read the same in every language
    scenes: list[Scene]
    #: The language of the narration (the captions of that language spoken), or None for a silent track.
    narration: str | None = None
    backdrop: Painter | None = None  # drawn under every scene
    notes: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return sum(scene.seconds for scene in self.scenes)

    def cues(self) -> list[Cue]:
        """One cue per scene, ending a little before the next starts (players show them one at a time)."""
        cues, start = [], 0.0
        for scene in self.scenes:
            cues.append(Cue(round(start + 0.2, 3), round(start + scene.seconds - 0.2, 3), scene.captions))
            start += scene.seconds
        return cues

    def frame(self, t: float) -> Image.Image:
        image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, WIDTH, 64), fill=PANEL)
        draw.text((28, 32), self.title, font=font(30, bold=True), fill=PANEL_TEXT, anchor="lm")
        if self.backdrop:
            self.backdrop(draw, t / self.duration)
        start = 0.0
        for number, scene in enumerate(self.scenes, 1):
            if t < start + scene.seconds or number == len(self.scenes):
                draw.text((WIDTH - 28, 32), f"{number}/{len(self.scenes)}", font=font(26), fill=GREY, anchor="rm")
                scene.paint(draw, min(1.0, max(0.0, (t - start) / scene.seconds)))
                break
            start += scene.seconds
        return image


def timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def webvtt(cues: list[Cue], language: str) -> str:
    blocks = [f"{i}\n{timestamp(c.start)} --> {timestamp(c.end)}\n{c.text[language]}" for i, c in enumerate(cues, 1)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, language: str, seconds: float) -> list[float]:
    """``text`` spoken by espeak-ng in ``language``, as samples at SAMPLE_RATE; sped up if it would not fit in
    ``seconds`` (the scenes of a narrated video are timed for 160 words a minute, so this is a safety net)."""
    speed = 160
    while True:
        wav = subprocess.run(["espeak-ng", "-v", language, "-s", str(speed), "--stdout", text],  # noqa: S603, S607
                             check=True, capture_output=True).stdout
        with wave.open(io.BytesIO(wav)) as stream:
            if stream.getframerate() != SAMPLE_RATE or stream.getsampwidth() != 2 or stream.getnchannels() != 1:
                raise RuntimeError("espeak-ng did not give 16-bit mono at 22050 Hz")
            samples = array.array("h", stream.readframes(stream.getnframes()))
        if len(samples) <= seconds * SAMPLE_RATE or speed >= 230:
            return [s / 32768 for s in samples[: int(seconds * SAMPLE_RATE)]]
        speed += 20


def soundtrack(video: Video) -> tuple[list[float], str]:
    """The audio samples (mono, SAMPLE_RATE) and what they are: the narration, or silence."""
    samples = [0.0] * int(video.duration * SAMPLE_RATE)
    if video.narration is None:
        return samples, "silent"
    if not espeak_available():
        return samples, "silent (espeak-ng is not installed: apt-get install espeak-ng, then run again)"
    for cue in video.cues():
        spoken = speak(cue.text[video.narration], video.narration, cue.end - cue.start)
        first = int(cue.start * SAMPLE_RATE)
        samples[first:first + len(spoken)] = spoken
    return samples[: int(video.duration * SAMPLE_RATE)], f"narrated in {video.narration} by espeak-ng"


def encode(video: Video, path: Path) -> str:
    """Write the MP4 (H.264 yuv420p + AAC mono, moov atom first for progressive playback); returns the audio's
    description."""
    samples, audio = soundtrack(video)
    container = av.open(str(path), "w", format="mp4",
                        options={"movflags": "+faststart", "fflags": "+bitexact"})
    picture = container.add_stream("libx264", rate=FPS)
    picture.width, picture.height, picture.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    picture.options = {"crf": "26", "preset": "medium", "tune": "animation", "threads": "1", "g": str(FPS * 5),
                       "flags": "+bitexact"}
    sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
    sound.bit_rate = 48_000
    sound.options = {"flags": "+bitexact"}
    for index in range(round(video.duration * FPS)):
        frame = av.VideoFrame.from_image(video.frame(index / FPS))
        frame.pts = index
        container.mux(picture.encode(frame))
    container.mux(picture.encode())
    chunk = 1024
    for first in range(0, len(samples), chunk):
        block = samples[first:first + chunk]
        frame = av.AudioFrame(format="fltp", layout="mono", samples=len(block))
        frame.planes[0].update(array.array("f", block).tobytes())
        frame.sample_rate, frame.pts = SAMPLE_RATE, first
        container.mux(sound.encode(frame))
    container.mux(sound.encode())
    container.close()
    return audio


# Drawing helpers shared by the videos.


class Viewport:
    """Maps drawing units (mm, metres) into a pixel box, y upwards, keeping the aspect ratio."""

    def __init__(self, box: tuple[int, int, int, int], extent: tuple[float, float, float, float]):
        left, top, right, bottom = box
        x0, y0, x1, y1 = extent
        self.scale = min((right - left) / (x1 - x0), (bottom - top) / (y1 - y0))
        self.x = left + ((right - left) - (x1 - x0) * self.scale) / 2 - x0 * self.scale
        self.y = bottom - ((bottom - top) - (y1 - y0) * self.scale) / 2 + y0 * self.scale

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return (self.x + x * self.scale, self.y - y * self.scale)

    def length(self, value: float) -> float:
        return value * self.scale


def dashed(draw: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float], fill: str, width: int = 3,
           dash: float = 12) -> None:
    length = ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5
    if length == 0:
        return
    count = max(1, int(length / dash))
    for i in range(0, count, 2):
        f0, f1 = i / count, min(1.0, (i + 1) / count)
        draw.line((a[0] + (b[0] - a[0]) * f0, a[1] + (b[1] - a[1]) * f0,
                   a[0] + (b[0] - a[0]) * f1, a[1] + (b[1] - a[1]) * f1), fill=fill, width=width)


def label(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int = 28, fill: str = INK,
          bold: bool = False, anchor: str = "mm", box: str | None = None) -> None:
    if box:
        left, top, right, bottom = draw.textbbox(xy, text, font=font(size, bold), anchor=anchor)
        draw.rounded_rectangle((left - 10, top - 6, right + 10, bottom + 6), radius=8, fill=box)
    draw.text(xy, text, font=font(size, bold), fill=fill, anchor=anchor)


def ease(p: float) -> float:
    return p * p * (3 - 2 * p)
