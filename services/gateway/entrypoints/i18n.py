"""Texts in the person's language: Chinese is written in the code and templates, English comes from
the gettext catalogue (locale/en/LC_MESSAGES/messages.po), read once at start-up."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("zh", "en")
CATALOGUES = Path(__file__).resolve().parent.parent / "locale"


@lru_cache
def translations(locale: str) -> NullTranslations:
    po = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    if locale == "zh" or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def locale_of(cookie: str | None) -> str:
    """The person's own choice (the switch on every page); Chinese until they choose English."""
    return cookie if cookie in LOCALES else "zh"


def text(locale: str) -> Callable[..., str]:
    """`_("共 %(n)s 人", n=3)`: the catalogue's translation, then the named values put in."""
    lookup = translations(locale).gettext

    def _(message: str, **values) -> str:
        translated = lookup(message)
        return translated % values if values else translated

    return _
