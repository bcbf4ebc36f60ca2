"""Videos made fit for phones, with PyAV (FFmpeg in the wheel: libx264, aac, mjpeg and the HLS muxer).

Plain functions on local files; the worker job (``app.catalogue.processing``) fetches the original, calls
``probe`` and ``convert`` and stores what they made. ``convert`` decodes the source once and feeds every rendition's
encoder from the same frames, so their keyframes (forced every ``KEYFRAME_SECONDS``) fall on the same instants and
the HLS segments of all renditions line up; the HLS ladder is then a remux (no second encode) of the MP4s.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import av
from av.video.frame import PictureType

#: Every rendition has a keyframe (closed GOP) exactly this often: HLS cuts segments only at keyframes.
KEYFRAME_SECONDS = 2
#: HLS segments last about this long (a multiple of the keyframe interval).
SEGMENT_SECONDS = 4
#: Phones gain nothing from more: 50/60 fps recordings are thinned to this.
MAX_FPS = 30
#: The ceiling of each rendition's bit rate (x264 CRF 23 below it); heights between take the next one up.
MAX_BITRATES = {360: 800_000, 540: 1_400_000, 720: 2_500_000, 1080: 5_000_000}
AUDIO_BITRATE = 128_000
THUMBNAIL_HEIGHT = 180
THUMBNAIL_COUNT = 4
#: How many first frames must decode before a file counts as a video we can read.
FIRST_FRAMES = 3


class NotAVideo(Exception):
    """The file is not a video we can read: no container FFmpeg knows, no video stream, undecodable first frames."""


@dataclass(frozen=True)
class Probe:
    duration: float
    #: As shown: rotation applied (a portrait phone video is narrower than high).
    width: int
    height: int
    video_codec: str
    audio_codec: str | None
    #: Degrees clockwise the stored picture must be turned to stand upright (0, 90, 180, 270).
    rotation: int
    fps: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Rendition:
    height: int
    width: int
    path: Path
    bitrate: int = 0
    codecs: str = "avc1.640028,mp4a.40.2"
    #: (relative URI, duration in seconds, size in bytes) of each HLS segment
    segments: list[tuple[str, float, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.height}p"


@dataclass
class Conversion:
    """What ``convert`` made, all under its ``out_dir`` (paths relative to it)."""

    renditions: list[Rendition]
    master: Path
    poster: Path
    thumbnails: list[tuple[Path, float]]
    poster_size: tuple[int, int]
    thumbnail_size: tuple[int, int]


def _rotation(stream, first_frame) -> int:
    """Clockwise degrees to upright, from the display matrix (FFmpeg gives it counter-clockwise) or the old tag."""
    degrees = None
    if first_frame is not None:
        degrees = -first_frame.rotation  # counter-clockwise in FFmpeg's convention
    if not degrees:
        tag = stream.metadata.get("rotate")
        if tag and re.fullmatch(r"-?\d+", tag):
            degrees = int(tag)
    return round((degrees or 0) / 90) * 90 % 360


#: What an uploaded file may be read as: the demuxers of the video types uploads accept (mp4/m4v/mov, webm), local
#: file access only. Without this FFmpeg guesses the format from the content, and a playlist or concat script
#: could make it read other files or URLs.
INPUT_OPTIONS = {"format_whitelist": "mov,mp4,matroska,webm", "protocol_whitelist": "file"}


def _open(path: Path):
    """An uploaded file, opened for reading (``NotAVideo`` when FFmpeg cannot)."""
    try:
        return av.open(str(path), "r", options=INPUT_OPTIONS)
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        raise NotAVideo(f"not a media file: {error}") from None


def probe(path: Path) -> Probe:
    """What the file is; ``NotAVideo`` unless it has a video stream whose first frames decode."""
    with _open(path) as container:
        if not container.streams.video:
            raise NotAVideo("no video stream")
        stream = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        frames = []
        try:
            for frame in container.decode(stream):
                frames.append(frame)
                if len(frames) >= FIRST_FRAMES:
                    break
        except (av.error.FFmpegError, ValueError) as error:
            raise NotAVideo(f"undecodable: {error}") from None
        if not frames:
            raise NotAVideo("no frame decodes")
        duration = 0.0
        if stream.duration is not None and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        if not duration and container.duration:
            duration = container.duration / av.time_base
        if duration <= 0:
            raise NotAVideo("no duration")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        rotation = _rotation(stream, frames[0])
        width, height = frames[0].width, frames[0].height
        if rotation in (90, 270):
            width, height = height, width
        return Probe(duration=round(duration, 3), width=width, height=height, video_codec=stream.codec_context.name,
                     audio_codec=audio.codec_context.name if audio else None, rotation=rotation,
                     fps=round(float(rate), 3) if rate else 25.0)


def ladder(source: Probe, heights: Sequence[int]) -> list[tuple[int, int]]:
    """(width, height) of each rendition: the heights not above the source's (never upscaled), or the source's own
    when it is below all of them; widths keep the aspect ratio, both even (H.264 with yuv420p needs it)."""
    chosen = sorted({h for h in heights if h <= source.height}) or [source.height]
    sizes = []
    for height in chosen:
        height = max(2, height - height % 2)
        width = max(2, round(source.width * height / source.height / 2) * 2)
        sizes.append((width, height))
    return sizes


def _bitrate_cap(height: int) -> int:
    return next((rate for top, rate in sorted(MAX_BITRATES.items()) if height <= top), max(MAX_BITRATES.values()))


def _rotator(stream, rotation: int):
    """A filter graph turning the decoded frames upright, or None when they are."""
    if not rotation:
        return None
    graph = av.filter.Graph()
    source = graph.add_buffer(template=stream)
    steps = {90: [("transpose", "clock")], 270: [("transpose", "cclock")], 180: [("hflip", ""), ("vflip", "")]}
    last = source
    for name, arguments in steps[rotation]:
        node = graph.add(name, arguments)
        last.link_to(node)
        last = node
    sink = graph.add("buffersink")
    last.link_to(sink)
    graph.configure()
    return graph


class _Output:
    """One rendition being written: its container, H.264 and AAC encoders."""

    def __init__(self, path: Path, width: int, height: int, fps: Fraction, time_base: Fraction, preset: str,
                 audio: bool):
        self.path, self.width, self.height = path, width, height
        self.container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        keyint = max(1, round(float(fps) * KEYFRAME_SECONDS))
        cap = _bitrate_cap(height)
        self.video = self.container.add_stream("libx264", rate=fps, options={
            "preset": preset, "crf": "23", "maxrate": str(cap), "bufsize": str(cap * 2),
            "x264-params": f"keyint={keyint}:min-keyint={keyint}:scenecut=0:open-gop=0"})
        self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
        self.video.codec_context.time_base = time_base
        self.audio = None
        if audio:
            self.audio = self.container.add_stream("aac", rate=48000)
            self.audio.codec_context.layout = "stereo"
            self.audio.codec_context.bit_rate = AUDIO_BITRATE

    def encode_video(self, frame, keyframe: bool) -> None:
        scaled = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        scaled.pict_type = PictureType.I if keyframe else PictureType.NONE
        self.container.mux(self.video.encode(scaled))

    def encode_audio(self, frame) -> None:
        self.container.mux(self.audio.encode(frame))

    def close(self) -> None:
        self.container.mux(self.video.encode(None))
        if self.audio is not None:
            self.container.mux(self.audio.encode(None))
        self.container.close()


def _encode_renditions(path: Path, out_dir: Path, sizes: list[tuple[int, int]], source: Probe, preset: str,
                       on_progress: Callable[[float], None], share: float) -> list[Rendition]:
    fps = Fraction(min(source.fps, MAX_FPS)).limit_denominator(1001)
    expected = max(1, math.ceil(source.duration * float(fps)))
    renditions = [Rendition(height, width, out_dir / f"{height}p.mp4") for width, height in sizes]
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        audio = container.streams.audio[0] if container.streams.audio else None
        outputs = [_Output(r.path, r.width, r.height, fps, stream.time_base, preset, audio is not None)
                   for r in renditions]
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000) if audio else None
        rotator = _rotator(stream, source.rotation)
        done, next_keyframe, next_frame, last_pts, last_time, reported = 0, 0.0, 0.0, None, 0.0, -1.0
        step = 1 / float(fps)
        try:
            for packet in container.demux(*[s for s in (stream, audio) if s is not None]):
                for frame in packet.decode():
                    if packet.stream is audio:
                        for resampled in resampler.resample(frame):
                            for output in outputs:
                                output.encode_audio(resampled)
                        continue
                    if frame.pts is None or (last_pts is not None and frame.pts <= last_pts):
                        continue  # a frame without time, or one that goes back, cannot be placed
                    time = float(frame.pts * stream.time_base)
                    if time + step / 2 < next_frame:
                        continue  # thinning a 50/60 fps recording to MAX_FPS
                    next_frame, last_pts, last_time = max(next_frame + step, time), frame.pts, time
                    if rotator is not None:
                        rotator.push(frame)
                        frame = rotator.pull()
                    keyframe = time + 1e-6 >= next_keyframe
                    if keyframe:
                        next_keyframe = (math.floor((time + 1e-6) / KEYFRAME_SECONDS) + 1) * KEYFRAME_SECONDS
                    for output in outputs:
                        output.encode_video(frame, keyframe)
                    done += 1
                    fraction = min(1.0, done / expected) * share
                    if fraction - reported >= 0.01:
                        reported = fraction
                        on_progress(fraction)
            if resampler is not None:
                for resampled in resampler.resample(None):
                    for output in outputs:
                        output.encode_audio(resampled)
        finally:
            for output in outputs:
                output.close()
    if done == 0:
        raise NotAVideo("no frame decodes")
    if last_time < source.duration - max(2.0, source.duration * 0.05):
        # The index promised more than the file holds (cut off mid-way): not a video we can play in full.
        raise NotAVideo(f"truncated: frames end at {last_time:.1f} s of {source.duration:.1f} s")
    for rendition in renditions:
        rendition.codecs = _codecs(rendition.path, audio is not None)
    return renditions


def _codecs(path: Path, audio: bool) -> str:
    """The RFC 6381 codecs string of an MP4 written by ``_Output`` (profile and level from its avcC box)."""
    with av.open(str(path), "r") as container:
        extradata = container.streams.video[0].codec_context.extradata or b""
    avc = "avc1.640028"
    if len(extradata) >= 4 and extradata[0] == 1:
        avc = f"avc1.{extradata[1]:02x}{extradata[2]:02x}{extradata[3]:02x}"
    return f"{avc},mp4a.40.2" if audio else avc


_EXTINF = re.compile(r"#EXTINF:([0-9.]+),")


def _segment(rendition: Rendition, hls_dir: Path) -> None:
    """Remux (no re-encode) one MP4 into a VOD HLS playlist with its MPEG-TS segments beside it."""
    folder = hls_dir / rendition.name
    folder.mkdir(parents=True, exist_ok=True)
    playlist = folder / "index.m3u8"
    with av.open(str(rendition.path), "r") as source:
        options = {"hls_time": str(SEGMENT_SECONDS), "hls_playlist_type": "vod", "hls_list_size": "0",
                   "hls_segment_filename": str(folder / "segment-%04d.ts")}
        with av.open(str(playlist), "w", format="hls", options=options) as target:
            mapping = {s: target.add_stream_from_template(s) for s in source.streams if s.type in ("video", "audio")}
            for packet in source.demux(*mapping):
                if packet.dts is None:
                    continue  # the demuxer's end-of-stream marker
                packet.stream = mapping[packet.stream]
                target.mux(packet)
    lines = playlist.read_text().splitlines()
    segments, duration = [], None
    for line in lines:
        match = _EXTINF.match(line)
        if match:
            duration = float(match.group(1))
        elif line and not line.startswith("#"):
            if "/" in line or ":" in line:  # every URI must stay relative to the playlist
                raise RuntimeError(f"unexpected segment URI {line!r}")
            segments.append((line, duration or 0.0, (folder / line).stat().st_size))
    rendition.segments = segments
    # BANDWIDTH is the peak: the busiest segment's rate.
    rendition.bitrate = max((round(size * 8 / seconds) for _uri, seconds, size in segments if seconds > 0.5),
                            default=round(rendition.path.stat().st_size * 8 / max(0.1, sum(s[1] for s in segments))))


def _master(renditions: list[Rendition], hls_dir: Path) -> Path:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in renditions:
        lines.append(f'#EXT-X-STREAM-INF:BANDWIDTH={rendition.bitrate},RESOLUTION={rendition.width}x'
                     f'{rendition.height},CODECS="{rendition.codecs}"')
        lines.append(f"{rendition.name}/index.m3u8")
    master = hls_dir / "master.m3u8"
    master.write_text("\n".join(lines) + "\n")
    return master


def _frames_at(path: Path, times: list[float]):
    """The first decoded frame at or after each of ``times`` (ascending) in ``path``."""
    with av.open(str(path), "r") as container:
        stream = container.streams.video[0]
        for wanted in times:
            container.seek(int(wanted / stream.time_base), stream=stream, backward=True)
            chosen = None
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is not None and frame.time >= wanted - 1e-3:
                    break
            if chosen is not None:
                yield wanted, chosen


def _write_jpeg(frame, width: int, height: int, path: Path) -> None:
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = {"qmin": "2", "qmax": "4"}
    picture = frame.reformat(width=width, height=height, format="yuvj420p")
    picture.pts = None
    path.write_bytes(b"".join(bytes(packet) for packet in [*encoder.encode(picture), *encoder.encode(None)]))


def _pictures(rendition: Rendition, out_dir: Path, duration: float) -> tuple[Path, list[tuple[Path, float]],
                                                                              tuple[int, int]]:
    """A poster at about 10 % of the film and THUMBNAIL_COUNT thumbnails spread over it, from ``rendition``."""
    poster_at = round(duration * 0.1, 2)
    thumbnail_times = [round(duration * (i + 0.5) / THUMBNAIL_COUNT, 2) for i in range(THUMBNAIL_COUNT)]
    height = min(THUMBNAIL_HEIGHT, rendition.height)
    size = (max(2, round(rendition.width * height / rendition.height / 2) * 2), height)
    poster, thumbnails = out_dir / "poster.jpg", []
    for _at, frame in _frames_at(rendition.path, [poster_at]):
        _write_jpeg(frame, rendition.width, rendition.height, poster)
    for number, (at, frame) in enumerate(_frames_at(rendition.path, thumbnail_times), 1):
        path = out_dir / f"thumb-{number}.jpg"
        _write_jpeg(frame, *size, path)
        thumbnails.append((path, at))
    if not poster.exists():
        raise RuntimeError("no frame for the poster")
    return poster, thumbnails, size


def convert(path: Path, out_dir: Path, heights: Sequence[int] = (360, 540, 720), *, preset: str = "veryfast",
            on_progress: Callable[[float], None] = lambda fraction: None, source: Probe | None = None) -> Conversion:
    """Make the renditions (MP4, H.264 yuv420p + AAC, faststart), the HLS ladder, a poster and thumbnails of the
    video at ``path`` in ``out_dir``; ``on_progress`` hears the share of the work done (0..1). Running it again
    writes the same names (a retried job overwrites)."""
    source = source or probe(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Encoding is nearly all of the work; remuxing and the pictures take the last few percent.
    renditions = _encode_renditions(path, out_dir, ladder(source, heights), source, preset, on_progress, 0.95)
    hls_dir = out_dir / "hls"
    for rendition in renditions:
        _segment(rendition, hls_dir)
    master = _master(renditions, hls_dir)
    on_progress(0.97)
    poster, thumbnails, thumbnail_size = _pictures(renditions[-1], out_dir, source.duration)
    on_progress(1.0)
    return Conversion(renditions, master, poster, thumbnails, (renditions[-1].width, renditions[-1].height),
                      thumbnail_size)
