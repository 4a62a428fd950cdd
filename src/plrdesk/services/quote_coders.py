"""The quote bank of a theme with who coded each passage, read in one go for the app."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from plrdesk.services.coders import coder_names
from plrdesk.services.quote_bank import ThemeQuotes, load_quote_bank

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog


@dataclass(frozen=True)
class CodedQuotes:
    """A theme's quote bank and who coded each of its passages (coding id -> name)."""

    quotes: ThemeQuotes
    coders: dict[uuid.UUID, str]


def load_quotes_with_coders(
    db: Session, forms: FormCatalog | None, theme_id: uuid.UUID
) -> CodedQuotes:
    quotes = load_quote_bank(db, forms, theme_id)
    return CodedQuotes(quotes, coder_names(db, (row.coding_id for row in quotes.rows)))
