"""Translation catalogues, one per domain package, and the check that none is incomplete.

Each domain ``app/<name>/`` keeps its catalogue in ``app/<name>/translations/<lang>/LC_MESSAGES/messages.po``
covering its Python code and ``app/templates/<name>/``; the shared parts (``app/*.py``, ``app/core``,
``app/storage``, ``app/templates/*.html``, ``errors/``, ``core/``) are in ``app/translations``. Flask-Babel
merges them all. Separate catalogues let several people work on different domains without conflicts.

    flask translations update    # extract strings and merge them into every .po (new ones untranslated)
    flask translations compile   # .po -> .mo (make does this before run and test)
    flask translations check     # list strings lacking a Polish or Lithuanian translation
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

APP_DIR = Path(__file__).resolve().parent.parent
TRANSLATED_LANGUAGES = ("pl", "lt")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "_lp": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols", "trimmed": "true"}
SHARED = "core"
SHARED_PACKAGES = ("core", "storage")
SHARED_TEMPLATE_DIRS = ("core", "errors", "macros")


@dataclass(frozen=True)
class Domain:
    name: str
    sources: tuple[Path, ...]
    catalogue_dir: Path

    def po_path(self, language: str) -> Path:
        return self.catalogue_dir / language / "LC_MESSAGES" / "messages.po"


def domains() -> list[Domain]:
    templates = APP_DIR / "templates"
    shared_sources = [*APP_DIR.glob("*.py"), *templates.glob("*.html")]
    for name in SHARED_PACKAGES:
        shared_sources += sorted((APP_DIR / name).rglob("*.py"))
    for name in SHARED_TEMPLATE_DIRS:
        shared_sources += sorted((templates / name).rglob("*.*"))
    result = [Domain(SHARED, tuple(sorted(shared_sources)), APP_DIR / "translations")]
    for package in sorted(p for p in APP_DIR.iterdir() if (p / "__init__.py").exists()):
        if package.name in SHARED_PACKAGES:
            continue
        sources = sorted(package.rglob("*.py")) + sorted((templates / package.name).rglob("*.*"))
        if sources:
            result.append(Domain(package.name, tuple(sources), package / "translations"))
    return result


def extract(domain: Domain) -> Catalog:
    catalog = Catalog(project="MCC", msgid_bugs_address="", charset="utf-8")
    for path in domain.sources:
        method = "python" if path.suffix == ".py" else "jinja2"
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                                    options=options):
            catalog.add(message, None, [(str(path.relative_to(APP_DIR.parent)), lineno)],
                        auto_comments=comments, context=context)
    return catalog


def read_catalogue(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, project="MCC", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _known_translations(language: str) -> dict:
    """Every translation any catalogue already has, so code moved between domains keeps its translations."""
    known = {}
    for domain in domains():
        for message in read_catalogue(domain.po_path(language), language):
            complete = all(message.string) if isinstance(message.string, tuple | list) else bool(message.string)
            if message.id and complete and not message.fuzzy:
                known.setdefault((message.id, message.context), message.string)
    return known


def update_catalogues(only: tuple[str, ...] = ()) -> None:
    """Merge the extracted strings into the catalogues (of the domains named in ``only``, or of all)."""
    known = {language: _known_translations(language) for language in TRANSLATED_LANGUAGES}
    for domain in domains():
        if only and domain.name not in only:
            continue
        template = extract(domain)
        for language in TRANSLATED_LANGUAGES:
            path = domain.po_path(language)
            catalog = read_catalogue(path, language)
            # update() adopts the template's message objects: each language gets its own copy.
            catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
            catalog.obsolete.clear()
            for message in catalog:
                empty = not (all(message.string) if isinstance(message.string, tuple | list) else message.string)
                if message.id and empty and (message.id, message.context) in known[language]:
                    message.string = known[language][(message.id, message.context)]
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=120, omit_header=False, sort_output=True, include_lineno=False)
            path.write_bytes(buffer.getvalue())


def compile_catalogues() -> None:
    for domain in domains():
        for language in TRANSLATED_LANGUAGES:
            path = domain.po_path(language)
            if not path.exists():
                continue
            catalog = read_catalogue(path, language)
            with path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)


def missing_translations() -> list[str]:
    """Every UI string without a Polish or Lithuanian translation, as 'domain/lang: msgid'."""
    problems = []
    for domain in domains():
        template = extract(domain)
        for language in TRANSLATED_LANGUAGES:
            catalog = read_catalogue(domain.po_path(language), language)
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id, context=message.context)
                strings = found.string if found else None
                complete = all(strings) if isinstance(strings, tuple | list) else bool(strings)
                if found is None or found.fuzzy or not complete:
                    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                    problems.append(f"{domain.name}/{language}: {msgid}")
    return problems


@click.group("translations")
def translations_cli() -> None:
    """Manage the Polish and Lithuanian catalogues."""


@translations_cli.command("update")
@click.option("--domain", "domains_", multiple=True, help="Only this domain's catalogue (repeatable).")
def update_command(domains_: tuple[str, ...]) -> None:
    """Extract strings and merge them into every catalogue (strings moved from another domain keep their
    translations)."""
    update_catalogues(domains_)
    click.echo("Catalogues updated; `flask translations check` lists what still needs translating.")


@translations_cli.command("compile")
def compile_command() -> None:
    compile_catalogues()


@translations_cli.command("check")
def check_command() -> None:
    problems = missing_translations()
    for line in problems:
        click.echo(line)
    if problems:
        raise SystemExit(f"{len(problems)} strings lack a translation")
    click.echo("Every string is translated into Polish and Lithuanian.")
