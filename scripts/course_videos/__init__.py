"""The instructional videos of the curricula in ``courses/``, drawn frame by frame from the course files themselves
(``scripts/make_course_videos.py`` runs it)."""
