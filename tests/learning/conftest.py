"""The setting most learning tests start from: a published course with a quiz, and a trainee enrolled in it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts.models import User
from app.catalogue.models import Course
from app.learning.models import Quiz
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz


@dataclass
class EnrolledQuiz:
    course: Course
    quiz: Quiz
    trainee: User


@pytest.fixture
def enrolled_quiz(db):
    """``enrolled_quiz(**quiz_options)``: a new course with a quiz of one question of each type (options as for
    ``create_quiz``) and a trainee enrolled in it (``language=`` theirs, English by default)."""

    def build(*, language: str = "en", **quiz_options) -> EnrolledQuiz:
        course = create_course()
        quiz = create_quiz(course, **quiz_options)
        trainee = create_user(language=language)
        enrol(trainee, course)
        return EnrolledQuiz(course, quiz, trainee)

    return build


@pytest.fixture
def taking_quiz(enrolled_quiz, login):
    """As ``enrolled_quiz``, with the trainee logged in to the test client."""

    def build(**options) -> EnrolledQuiz:
        setup = enrolled_quiz(**options)
        login(setup.trainee)
        return setup

    return build
