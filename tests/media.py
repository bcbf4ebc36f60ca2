"""Real test videos made with PyAV (FFmpeg's libraries): a moving pattern with a frame counter's worth of change
in every frame, and a tone, so that encoders, probes and players have real content to work on."""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from pathlib import Path

import av


def _frame(index: int, width: int, height: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    luma = bytearray(frame.planes[0].buffer_size)
    stride = frame.planes[0].line_size
    bar = (index * 8) % width  # a bright bar sweeping across a gradient
    row = bytes(((x * 200) // width + 16) if abs(x - bar) > 8 else 235 for x in range(width))
    for y in range(height):
        luma[y * stride:y * stride + width] = row
    frame.planes[0].update(bytes(luma))
    for plane, value in ((frame.planes[1], 128 + (index % 64)), (frame.planes[2], 128)):
        plane.update(bytes([value]) * plane.buffer_size)
    frame.pts = index
    frame.time_base = Fraction(1, 1)
    return frame


def make_video(path: Path, *, seconds: float, width: int, height: int, fps: int = 12, audio: bool = True) -> Path:
    """An H.264/AAC MP4 of ``seconds`` at ``width``x``height`` (ultrafast: cheap to make)."""
    with av.open(str(path), "w", format="mp4") as output:
        video = output.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "30"}
        sound = output.add_stream("aac", rate=22050, layout="mono") if audio else None
        frames = int(seconds * fps)
        for index in range(frames):
            frame = _frame(index, width, height)
            frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in video.encode(frame):
                output.mux(packet)
        for packet in video.encode():
            output.mux(packet)
        if sound is not None:
            samples = 1024
            for block in range(math.ceil(seconds * 22050 / samples)):
                chunk = av.AudioFrame(format="flt", layout="mono", samples=samples)
                chunk.sample_rate, chunk.pts = 22050, block * samples
                start = block * samples
                chunk.planes[0].update(struct.pack(f"<{samples}f", *(
                    0.2 * math.sin(2 * math.pi * 440 * (start + n) / 22050) for n in range(samples))))
                for packet in sound.encode(chunk):
                    output.mux(packet)
            for packet in sound.encode():
                output.mux(packet)
    return path
