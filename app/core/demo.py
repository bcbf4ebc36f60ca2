"""``flask seed-demo``: each domain registers a function that adds its demo data idempotently."""

from __future__ import annotations

from collections.abc import Callable

_SEEDERS: list[tuple[int, str, Callable[[], None]]] = []


def demo_seeder(order: int) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a seeder; lower ``order`` runs first (accounts before courses before enrolments...)."""

    def register(func: Callable[[], None]) -> Callable[[], None]:
        if all(existing is not func for _, _, existing in _SEEDERS):
            _SEEDERS.append((order, func.__module__, func))
            _SEEDERS.sort(key=lambda item: item[0])
        return func

    return register


def seeders() -> list[Callable[[], None]]:
    return [func for _, _, func in _SEEDERS]
