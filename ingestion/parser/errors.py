"""Errors of the parser package.

    ParserError
     └── CatalogError   the catalog file cannot be used (says which product or field)

`parse()` itself never raises: a message the parser cannot read becomes a draft with a
clarification, not an exception.
"""
from __future__ import annotations


class ParserError(Exception):
    """Base of every error this package raises."""


class CatalogError(ParserError):
    """The catalog is malformed; the message names the product or field a seller should fix."""
