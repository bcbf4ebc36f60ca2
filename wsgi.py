"""WSGI entry point: ``gunicorn wsgi:app`` (settings from MCC_* environment variables)."""

from app import create_app

app = create_app()
