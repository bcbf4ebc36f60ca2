"""Enrolment: who takes part in which course (open, by approval, closed), waiting lists, bulk enrolment."""

from flask import Blueprint

bp = Blueprint("enrolment", __name__)


def blueprints():
    return [bp]
