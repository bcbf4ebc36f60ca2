"""Every edit of a course's content gives the course a new ``content_version``, in the transaction of the edit.

The cached outline (``app.catalogue.outline``) is keyed by that version, so it can never be shown stale. Rather than
asking every write path (authoring pages, the importer, uploads, the media worker, the API, the CLI) to remember,
two session events catch them all:

- ``before_flush``: a new, changed or deleted course, module, lesson, material, caption (or a registered model of
  another domain, such as a quiz) changes the version of the course it belongs to;
- ``do_orm_execute``: an ``update()``, ``delete()`` or ``insert()`` statement on one of those tables (the worker's
  conversion progress, the benchmark data's bulk inserts) does the same, for the courses of the rows it touches.

The version is changed by one UPDATE of the courses row(s), not by loading them; a course already loaded in the
session gets the new value without being marked changed (its ``updated_at`` stays the time of its own last edit).
A Core statement run on a connection directly (``connection.execute``) bypasses the session: code that writes
content that way must call ``bump_courses`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Select, event, or_, select, update
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.util import identity_key

from app.catalogue.models import Caption, Course, Lesson, Material, Module, new_content_version

courses = Course.__table__
lessons = Lesson.__table__
materials = Material.__table__

#: Models whose rows carry ``course_id`` (beside the catalogue's modules and lessons): registered by their domain.
_WITH_COURSE_ID: set[type] = {Module, Lesson}


def register_course_content(model: type) -> None:
    """Edits of ``model`` (a model with a ``course_id`` column and a ``course`` relationship) change the course's
    content version: its rows are part of what the outline shows (quizzes)."""
    _WITH_COURSE_ID.add(model)


def _loaded(obj, name: str):
    """A relationship's value if it is loaded (never a lazy load in the middle of a flush), else None."""
    return attributes.instance_state(obj).dict.get(name)


class _Owners:
    """The courses touched by a flush: by id, or through the lessons or materials whose course is not in view."""

    def __init__(self, session: Session):
        self.session = session
        self.course_ids: set[int] = set()
        self.lesson_ids: set[int] = set()
        self.material_ids: set[int] = set()

    def _in_map(self, model: type, id_: int | None):
        return None if id_ is None else self.session.identity_map.get(identity_key(model, id_))

    def add(self, obj) -> None:
        if isinstance(obj, Course):
            if obj.id is not None:  # a new course got its own fresh version
                self.course_ids.add(obj.id)
        elif type(obj) in _WITH_COURSE_ID:
            course_id = obj.course_id
            if course_id is None:
                parent = _loaded(obj, "course") or _loaded(obj, "module")
                course_id = getattr(parent, "course_id", None) if isinstance(parent, Module) else \
                    getattr(parent, "id", None)
            if course_id is not None:
                self.course_ids.add(course_id)
        elif isinstance(obj, Material):
            self.add_lesson(obj.lesson_id, _loaded(obj, "lesson"))
        elif isinstance(obj, Caption):
            material = _loaded(obj, "material") or self._in_map(Material, obj.material_id)
            if material is not None:
                self.add(material)
            elif obj.material_id is not None:
                self.material_ids.add(obj.material_id)

    def add_lesson(self, lesson_id: int | None, lesson: Lesson | None = None) -> None:
        lesson = lesson or self._in_map(Lesson, lesson_id)
        if lesson is not None:
            self.add(lesson)
        elif lesson_id is not None:
            self.lesson_ids.add(lesson_id)

    def where(self):
        conditions = []
        if self.course_ids:
            conditions.append(courses.c.id.in_(self.course_ids))
        if self.lesson_ids:
            conditions.append(courses.c.id.in_(select(lessons.c.course_id).where(lessons.c.id.in_(self.lesson_ids))))
        if self.material_ids:
            conditions.append(courses.c.id.in_(
                select(lessons.c.course_id).join(materials, materials.c.lesson_id == lessons.c.id)
                .where(materials.c.id.in_(self.material_ids))))
        return or_(*conditions) if conditions else None


def _bump(session: Session, where) -> None:
    """One UPDATE gives the matching courses a new version; loaded ones learn it without becoming dirty."""
    version = new_content_version()
    changed = session.connection().execute(
        update(courses).where(where).values(content_version=version).returning(courses.c.id)).scalars().all()
    for course_id in changed:
        course = session.identity_map.get(identity_key(Course, course_id))
        if course is not None:
            attributes.set_committed_value(course, "content_version", version)


def bump_courses(session: Session, course_ids: Iterable[int]) -> None:
    """Give these courses a new content version (for content written by statements the events do not see)."""
    ids = set(course_ids)
    if ids:
        _bump(session, courses.c.id.in_(ids))


def _add_former_owners(owners: _Owners, obj) -> None:
    """A row moved to another course, lesson or material changes the version of the one it left too."""
    state = attributes.instance_state(obj)
    for name, target in (("course_id", owners.course_ids), ("lesson_id", owners.lesson_ids),
                         ("material_id", owners.material_ids)):
        if name not in state.mapper.column_attrs:
            continue
        history = state.attrs[name].history
        if not history.added:
            continue
        if history.deleted:
            target.update(value for value in history.deleted if value is not None)
        elif state.key is not None:  # set without the old value loaded: the row still holds it
            table = state.mapper.local_table
            former = owners.session.connection().scalar(select(table.c[name]).where(table.c.id == state.key[1][0]))
            if former is not None:
                target.add(former)


def _is_content(obj) -> bool:
    return isinstance(obj, Course | Material | Caption) or type(obj) in _WITH_COURSE_ID


@event.listens_for(FlaskSession, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    owners = _Owners(session)
    for obj in session.new:
        if _is_content(obj):
            owners.add(obj)
    for obj in session.deleted:
        if _is_content(obj):
            owners.add(obj)
    for obj in session.dirty:
        if _is_content(obj) and session.is_modified(obj):
            owners.add(obj)
            _add_former_owners(owners, obj)
    where = owners.where()
    if where is not None:
        _bump(session, where)


def _owning_courses(table) -> Select | None:
    """The ids of the courses owning the rows of ``table`` (to be narrowed by a statement's WHERE). Compared by
    name: an ORM statement holds an annotated copy of the table."""
    name = getattr(table, "name", None)
    captions = Caption.__table__
    if name == courses.name:
        return select(courses.c.id)
    if name == materials.name:
        return select(lessons.c.course_id).select_from(materials).join(lessons, lessons.c.id == materials.c.lesson_id)
    if name == captions.name:
        return (select(lessons.c.course_id).select_from(captions)
                .join(materials, materials.c.id == captions.c.material_id)
                .join(lessons, lessons.c.id == materials.c.lesson_id))
    if any(name == model.__table__.name for model in _WITH_COURSE_ID):
        return select(table.c.course_id)
    return None


#: For an INSERT statement: the column of the new rows that leads to their course, and the table it points to.
_INSERT_OWNER = {"materials": ("lesson_id", "lessons"), "captions": ("material_id", "materials")}


def _inserted_owners(state) -> _Owners | None:
    """The courses receiving the rows of an INSERT statement, from its parameters; None when they cannot be told
    (then every course gets a new version: more than needed, never stale)."""
    name = state.statement.table.name
    column, via = _INSERT_OWNER.get(name, ("course_id", "courses"))
    rows = state.parameters if isinstance(state.parameters, list | tuple) else [state.parameters or {}]
    if not rows or rows == [{}]:
        rows = [state.statement.compile().params]
    owners = _Owners(state.session)
    target = {"courses": owners.course_ids, "lessons": owners.lesson_ids, "materials": owners.material_ids}[via]
    for row in rows:
        value = row.get(column) if isinstance(row, dict) else None
        if value is None:
            return None
        target.add(value)
    return owners


@event.listens_for(FlaskSession, "do_orm_execute")
def _on_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    statement = state.statement
    owners = _owning_courses(statement.table)
    if owners is None:
        return
    if state.is_insert:
        if statement.table.name == courses.name:
            return  # new courses come with their own version
        inserted = _inserted_owners(state)
        where = inserted.where() if inserted is not None else courses.c.id.is_not(None)
        if where is not None:
            _bump(state.session, where)
        return
    if statement.whereclause is not None:
        owners = owners.where(statement.whereclause)
    # Before the statement runs: a DELETE must still find its rows, an UPDATE the rows its WHERE matches now.
    # (A bulk UPDATE by primary keys has no WHERE: every course owning such rows gets a new version, which is
    # more than needed but never stale.)
    _bump(state.session, courses.c.id.in_(owners))
