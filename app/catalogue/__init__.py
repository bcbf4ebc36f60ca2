"""Catalogue: specialisations, courses, modules, lessons and materials; import of ``courses/``; authoring."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)


def blueprints():
    return [bp]
