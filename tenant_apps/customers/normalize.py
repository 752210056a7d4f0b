"""Normalizing what customers are searched by. Pure functions."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w@.+-]+")


def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: "  João  D'Ávila " -> "joao d'avila"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def digits(text: str) -> str:
    return "".join(c for c in (text or "") if c.isdigit())


def words(text: str) -> list[str]:
    """The search words of a text: folded, split on anything that is not a word character."""
    return [w for w in _NOT_WORD.sub(" ", fold(text)).split(" ") if w]


def contact_normalized(kind: str, value: str) -> str:
    return value.strip().casefold() if kind == "email" else digits(value)


def address_line(
    *, street: str, number: str, complement: str, postal_code: str, zone: str, city: str
) -> str:
    """An address as the customer search indexes it (search_text's ``addresses``)."""
    return " ".join(p for p in (street, number, complement, postal_code, zone, city) if p)


def search_text(
    *,
    name: str,
    trade_name: str = "",
    tax_id: str = "",
    code: str = "",
    contacts: list[str] = (),
    addresses: list[str] = (),
) -> str:
    """The text indexed for a customer's full-text search (config "simple")."""
    parts = [name, trade_name, tax_id, code, *contacts, *addresses]
    return " ".join(" ".join(words(p)) for p in parts if p)
