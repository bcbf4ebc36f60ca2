"""Which of a lesson's materials a person sees, and in which order (the lesson page and what a device saves)."""

from __future__ import annotations

from app.catalogue.models import Lesson, Material, MaterialStatus


def shown_materials(lesson: Lesson, can_manage: bool) -> list[Material]:
    """Participants see the ready materials; those who manage the course also the uploads a worker is still
    checking (shown as "processing")."""
    return [m for m in lesson.materials if m.deleted_at is None and (
        m.status == MaterialStatus.READY or (can_manage and m.status == MaterialStatus.PROCESSING))]


def by_language(materials: list[Material], language: str) -> tuple[list[Material], list[Material]]:
    """The materials to show first and those offered "in other languages": a material in another language than
    the reader's is only put aside when the lesson has one of the same kind in theirs (a Polish-narrated video
    beside its Lithuanian version); one that exists only in another language stays in the list, marked with its
    language."""
    own_kinds = {m.kind for m in materials if m.language == language}
    first, others = [], []
    for material in materials:
        aside = material.language not in (language, "any") and material.kind in own_kinds
        (others if aside else first).append(material)
    return first, others
