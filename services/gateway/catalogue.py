"""`make messages`: new Chinese texts from the templates and code join the English catalogue with an empty
translation for a person to write (a unit test fails while any is empty); existing translations are kept,
texts no longer used are dropped. Sorted by text, so work on separate branches merges line by line."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).parent / "locale" / "en" / "LC_MESSAGES" / "messages.po"


def update(template: Path, catalogue: Path = CATALOGUE) -> None:
    with template.open("rb") as f:
        found = read_po(f)
    with catalogue.open("rb") as f:
        kept = read_po(f, locale="en")
    kept.update(found, no_fuzzy_matching=True)
    kept.obsolete.clear()
    with catalogue.open("wb") as f:
        write_po(f, kept, width=0, no_location=True, omit_header=True, sort_output=True)


if __name__ == "__main__":
    update(Path(sys.argv[1]))
