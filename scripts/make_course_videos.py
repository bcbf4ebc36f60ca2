"""Make the instructional videos of the curricula: ``courses/<spec>/files/<name>.mp4`` and its captions
``<name>.<pl|lt|en>.vtt``, drawn from the course files (G-code programs, the DXF drawing, the WPS, the ABC
inventory). Run by ``make course-videos``; ``--only NAME`` makes one video, ``--list`` lists them.

Needs the dev venv (Pillow, PyAV with libx264 and aac). The narrated video needs espeak-ng (``apt-get install
espeak-ng``); without it that video gets a silent track and the script says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.course_videos.catalogue import VIDEOS
from scripts.course_videos.render import LANGUAGES, encode, webvtt

COURSES = Path(__file__).resolve().parents[1] / "courses"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="make only this video (by name); may repeat")
    parser.add_argument("--list", action="store_true", help="list the videos and stop")
    parser.add_argument("--captions-only", action="store_true", help="write the caption files, not the videos")
    args = parser.parse_args()
    videos = [make() for make in VIDEOS]
    if args.list:
        for video in videos:
            print(f"{video.spec}/{video.name}: {video.duration:.0f} s, {len(video.scenes)} cues")
        return 0
    for video in videos:
        if args.only and video.name not in args.only:
            continue
        folder = COURSES / video.spec / "files"
        started = time.monotonic()
        for language in LANGUAGES:
            (folder / f"{video.name}.{language}.vtt").write_text(webvtt(video.cues(), language), encoding="utf-8")
        if args.captions_only:
            continue
        path = folder / f"{video.name}.mp4"
        audio = encode(video, path)
        print(f"{path.relative_to(COURSES.parent)}: {video.duration:.0f} s, {path.stat().st_size / 2**20:.2f} MB, "
              f"audio {audio} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
