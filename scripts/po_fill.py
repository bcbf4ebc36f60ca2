"""Fill Polish and Lithuanian translations into a domain's catalogues from a JSON file.

    python scripts/po_fill.py missing [domain]         # JSON skeleton of untranslated strings, per domain
    python scripts/po_fill.py fill <domain> file.json  # {"English msgid": ["Polish", "Lithuanian"], ...}

For plural messages give lists of forms: {"%(num)s course": [["1 kurs", "2 kursy", "5 kursów"], [...]]}.
Run `flask translations update` first so the catalogues hold every string.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from babel.messages.pofile import write_po

from app.core.i18n_catalogues import TRANSLATED_LANGUAGES, domains, extract, read_catalogue


def missing(only: str | None) -> dict:
    result: dict[str, dict] = {}
    for domain in domains():
        if only and domain.name != only:
            continue
        template = extract(domain)
        catalogs = {lang: read_catalogue(domain.po_path(lang), lang) for lang in TRANSLATED_LANGUAGES}
        for message in template:
            if not message.id:
                continue
            found = [catalogs[lang].get(message.id) for lang in TRANSLATED_LANGUAGES]
            done = [f is not None and not f.fuzzy and (all(f.string) if isinstance(f.string, tuple | list)
                                                         else bool(f.string)) for f in found]
            if not all(done):
                key = message.id if isinstance(message.id, str) else json.dumps(list(message.id))
                result.setdefault(domain.name, {})[key] = ["", ""]
    return result


def fill(domain_name: str, path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    domain = next(d for d in domains() if d.name == domain_name)
    for index, language in enumerate(TRANSLATED_LANGUAGES):
        po_path = domain.po_path(language)
        catalog = read_catalogue(po_path, language)
        for key, translations in data.items():
            msgid = tuple(json.loads(key)) if key.startswith("[") else key
            message = catalog.get(msgid)
            if message is None:
                catalog.add(msgid, None)
                message = catalog.get(msgid)
            value = translations[index]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
        po_path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=120, sort_output=True, include_lineno=False)
        po_path.write_bytes(buffer.getvalue())


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "missing":
        print(json.dumps(missing(sys.argv[2] if len(sys.argv) > 2 else None), ensure_ascii=False, indent=1))
    elif len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
