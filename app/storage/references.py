"""Which rows point to which objects: each domain that stores files registers a source of references, so
``flask storage check`` can find rows whose object is missing and objects no row points to."""

from __future__ import annotations

from collections.abc import Callable, Iterable

#: name -> function yielding (storage key, description of the row) for every live row that points to an object
_SOURCES: dict[str, Callable[[], Iterable[tuple[str, str]]]] = {}


def register_reference_source(name: str, source: Callable[[], Iterable[tuple[str, str]]]) -> None:
    _SOURCES[name] = source


def all_references() -> dict[str, str]:
    references: dict[str, str] = {}
    for source in _SOURCES.values():
        references.update(source())
    return references
