import re
import time

import itsdangerous.timed


def link_in(message, path_prefix: str) -> str:
    """The site-relative link starting with ``path_prefix`` in a sent e-mail."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]+)", body)
    assert match, f"no {path_prefix} link in:\n{body}"
    return match.group(1)


class issued_in_the_past:
    """Context manager: tokens signed inside it carry a timestamp ``seconds`` ago."""

    def __init__(self, monkeypatch, seconds: int):
        self.monkeypatch, self.seconds = monkeypatch, seconds

    def __enter__(self):
        past = int(time.time()) - self.seconds
        self.monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: past)

    def __exit__(self, *exc):
        self.monkeypatch.undo()
