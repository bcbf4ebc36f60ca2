"""`make bench`'s video measurements (``bench.journeys.extra_measurements`` runs them):

- ``transcode_1080p``: the pipeline's own ``convert`` (``app.catalogue.video``) on a generated 1080p clip (30 fps,
  moving pattern and a tone) in this process, with the preset and renditions production uses
  (``MCC_MEDIA_X264_PRESET``, ``MCC_MEDIA_RENDITION_HEIGHTS``): seconds of conversion per minute of input.
- ``video_1gb_s3``: a 1 GB 1080p video uploaded as the browser does (parts PUT straight to the presigned URLs,
  moto), verified and converted by a job worker; the web workers' RSS is sampled from the completing request until
  the conversion is ready (flat: they never touch the bytes), the worker's too, and the conversion's time.

The inputs are made once and kept under instance/bench-video/ (the 1 GB file: a noisy 1080p clip encoded at a
high rate, then remuxed end to end until it passes 1 GB; a minute or so to make).
"""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import av

from bench.run import ROOT

FOLDER = ROOT / "instance" / "bench-video"
CLIP_SECONDS = 20
BIG_BYTES = 1024**3
#: The noisy clip the 1 GB file repeats: 1080p, 24 fps, x264 ultrafast at a fixed high quantiser (noise does not
#: compress: about 1 MB a frame).
BIG_CLIP_FRAMES = 96


def _frames(graph):
    while True:
        try:
            yield graph.pull()
        except (av.error.EOFError, BlockingIOError):
            return


def clip_1080p() -> Path:
    """CLIP_SECONDS of 1920x1080 at 30 fps with a tone, as a phone records it (made once)."""
    from tests.catalogue.videos import make_video

    path = FOLDER / f"clip-1080p-{CLIP_SECONDS}s.mp4"
    if not path.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        make_video(path.with_suffix(".part"), CLIP_SECONDS, 1920, 1080, fps=30, preset="veryfast")
        path.with_suffix(".part").rename(path)
    return path


def big_video() -> Path:
    """A 1080p video of just over 1 GB: a noisy clip at a high rate, remuxed end to end (no re-encoding)."""
    path = FOLDER / "big-1080p.mp4"
    if path.exists():
        return path
    FOLDER.mkdir(parents=True, exist_ok=True)
    clip = FOLDER / "noisy-clip.mp4"
    graph = av.filter.Graph()
    source = graph.add("testsrc2", f"size=1920x1080:rate=24:duration={BIG_CLIP_FRAMES / 24}")
    noise = graph.add("noise", "alls=60:allf=t+u")
    source.link_to(noise)
    noise.link_to(graph.add("buffersink"))
    graph.configure()
    with av.open(str(clip), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=24, options={
            "preset": "ultrafast", "qp": "8", "x264-params": "keyint=48:min-keyint=48:scenecut=0"})
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        for index, frame in enumerate(_frames(graph)):
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, 24)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    repeats = BIG_BYTES // clip.stat().st_size + 1
    part = path.with_suffix(".part")
    with av.open(str(clip)) as first, av.open(str(part), "w", format="mp4") as target:
        template = first.streams.video[0]
        stream = target.add_stream_from_template(template)
        length = None
        for repeat in range(repeats):
            with av.open(str(clip)) as source:
                packets = [p for p in source.demux(source.streams.video[0]) if p.dts is not None]
                if length is None:
                    length = max(p.pts + (p.duration or 0) for p in packets) - min(p.pts for p in packets)
                for packet in packets:
                    packet.pts += repeat * length
                    packet.dts += repeat * length
                    packet.stream = stream
                    target.mux(packet)
    part.rename(path)
    clip.unlink()
    return path


def measure_transcode(env: dict) -> dict:
    """The pipeline's conversion of a 1080p clip here, with production's preset and renditions."""
    import os
    import tempfile

    from app.catalogue import video
    from config import Config

    preset = env.get("MCC_MEDIA_X264_PRESET") or os.environ.get("MCC_MEDIA_X264_PRESET") or Config.MEDIA_X264_PRESET
    heights = Config.MEDIA_RENDITION_HEIGHTS
    clip = clip_1080p()
    source = video.probe(clip)
    with tempfile.TemporaryDirectory(prefix="mcc-bench-video-") as out:
        begun = time.perf_counter()
        made = video.convert(clip, Path(out), heights, preset=preset, source=source)
        seconds = time.perf_counter() - begun
        sizes = {r.name: round(r.path.stat().st_size / 2**20, 2) for r in made.renditions}
    return {"preset": preset, "renditions": [r.name for r in made.renditions], "input_seconds": source.duration,
            "input_fps": source.fps, "seconds": round(seconds, 1),
            "seconds_per_input_minute": round(seconds * 60 / source.duration, 1), "rendition_mb": sizes}


def measure_big_video_s3(base: str, server, env: dict, dataset: dict) -> dict:
    """1 GB of 1080p video to the bucket through presigned part URLs, then verified and converted by a worker;
    the web workers' RSS from the completing request until the conversion is ready."""
    import requests

    from bench.journeys import (
        RssWatch,
        _process_tree,
        _start_upload,
        _trainer_session,
        _until,
        _workers,
        job_worker,
    )

    path = big_video()
    size = path.stat().st_size
    with av.open(str(path)) as container:
        duration = float(container.duration / av.time_base)
    http, headers = _trainer_session(base, dataset)
    progress_seen = []
    with job_worker(env, base) as worker, RssWatch(web=_workers(server), worker=_process_tree(worker)) as rss:
        rss.phase("parts")
        begun = time.perf_counter()
        started = _start_upload(http, headers, base, dataset, size, "big-1080p.mp4")
        if not started["direct"]:
            raise RuntimeError("the app did not offer direct uploads to the bucket")
        bucket, parts = requests.Session(), []
        with path.open("rb") as stream:
            number = 1
            while chunk := stream.read(started["part_size"]):
                target = http.post(base + started["target_url"].replace("__PART__", str(number)), json={},
                                   headers=headers, timeout=30).json()
                put = bucket.put(target["url"], data=chunk, timeout=300)
                if put.status_code != 200:
                    raise RuntimeError(f"the bucket refused part {number}: {put.status_code}")
                parts.append({"number": number, "etag": put.headers["ETag"]})
                number += 1
        parts_seconds = time.perf_counter() - begun
        rss.phase("complete")
        begun = time.perf_counter()
        done = http.post(base + started["complete_url"], json={"parts": parts}, headers=headers, timeout=600)
        complete_seconds = time.perf_counter() - begun
        if done.status_code != 202:
            raise RuntimeError(f"upload not completed: {done.status_code} {done.text[:200]}")
        status_url = base + done.json()["material"]["status_url"]

        def state() -> dict:
            answer = http.get(status_url, headers=headers, timeout=30)
            if answer.status_code != 200:
                raise RuntimeError(f"the status answered {answer.status_code}: {answer.text[:200]}")
            return answer.json()["material"]

        def verified() -> dict | None:  # the worker checked the file and asked for its conversion
            material = state()
            return material if material["media_status"] != "none" or material["status"] != "processing" else None

        _until("verifying the upload", verified, 1800)
        verify_seconds = time.perf_counter() - begun
        rss.phase("convert")

        def converted() -> dict | None:
            material = state()
            if material["status"] == "refused" or material["media_status"] == "failed":
                raise RuntimeError(f"the conversion did not succeed: {material['message']}")
            if material["progress"] is not None and material["progress"] not in progress_seen:
                progress_seen.append(material["progress"])
            return material if material["media_status"] == "ready" else None

        _until("converting the video", converted, 3600)
        convert_seconds = time.perf_counter() - begun - verify_seconds
    return {"bytes": size, "input_seconds": round(duration, 1), "parts": len(parts),
            "parts_seconds": round(parts_seconds, 1), "complete_seconds": round(complete_seconds, 3),
            "verify_seconds": round(verify_seconds, 1), "convert_seconds": round(convert_seconds, 1),
            "convert_seconds_per_input_minute": round(convert_seconds * 60 / duration, 1),
            "progress_seen": progress_seen,
            **rss.figures("web", "complete", "convert", prefix="", since="complete"),
            **rss.figures("web", "convert", prefix="web_convert_", since="convert"),
            **rss.figures("worker", "convert", since="convert")}
