"""The public catalogue: published courses by specialisation, with search (course pages are in ``learning``)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from app.catalogue import bp
from app.catalogue.forms import CatalogueFilterForm
from app.catalogue.models import Specialisation
from app.catalogue.services import published_courses, search_courses
from app.core.translated import pick
from app.extensions import db


@bp.get("/courses/")
def index():
    specialisations = list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))
    form = CatalogueFilterForm(request.args)
    form.specialisation.choices = [("", "—"), *[(s.code, pick(s.title)) for s in specialisations]]
    courses = published_courses()
    if form.validate():
        courses = search_courses(courses, form.q.data, form.language.data or None)
        if form.specialisation.data:
            courses = [c for c in courses if c.specialisation.code == form.specialisation.data]
    groups = [(spec, [c for c in courses if c.specialisation_id == spec.id]) for spec in specialisations]
    return render_template("catalogue/index.html", form=form, groups=[g for g in groups if g[1]],
                           total=len(courses))
