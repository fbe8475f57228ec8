"""Streaming XML from untrusted files, refusing any DTD: no entity is ever expanded or fetched.

An XML document may open with a DOCTYPE whose entities nest ("billion
laughs": a few hundred bytes that expand to gigabytes) or name local files
and URLs (external entities: ``<!ENTITY x SYSTEM "file:///etc/passwd">``).
No format geoaid reads as XML (the parts of an XLSX workbook) uses a DTD, so
the parser stops at the DOCTYPE itself, before a single declaration in it is
read: nothing can be expanded, fetched or amplified, and the refusal is
immediate, whatever the internal subset holds.

Parsing is event-driven (expat, in C) and fed in chunks: nothing of the
document is kept except what the handlers keep, and the number of elements
is bounded, so a huge part costs time in proportion to its size, never memory.
"""

from __future__ import annotations

import xml.parsers.expat as expat
import zlib
from collections.abc import Callable
from typing import BinaryIO
from zipfile import BadZipFile

from geoaid.imports.safezip import UnsafeFileError

_CHUNK = 256 * 1024


def local_name(name: str) -> str:
    """``{namespace}c`` (as expat reports it with a separator) → ``c``."""
    return name.rpartition("}")[2]


def attribute(attrs: dict[str, str], local: str) -> str | None:
    """An attribute by local name, whatever its namespace (``r:id`` → ``id``)."""
    if local in attrs:
        return attrs[local]
    suffix = "}" + local
    return next((value for key, value in attrs.items() if key.endswith(suffix)), None)


def stream_xml(source: BinaryIO, what: str, start: Callable[[str, dict], None],
               end: Callable[[str], None] | None = None, text: Callable[[str], None] | None = None,
               max_elements: int = 1_000_000) -> None:
    """Parse ``source`` calling ``start(local_name, attrs)``, ``end(local_name)``, ``text(data)``.

    ``what`` names the document in messages. Raises :class:`UnsafeFileError`
    for a DTD, malformed XML, more than ``max_elements`` elements, or a
    stream that cannot be read (a corrupt zip member). Handlers may raise
    to stop the parse; their exception propagates as raised.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True          # one text call per run of characters, not one per line
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_dtd(*_args):
        raise UnsafeFileError(f"{what} contains a DOCTYPE declaration; refused (a document type can "
                              "declare entities that expand to gigabytes or read files on the server, "
                              "and no file geoaid reads needs one)")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd            # only possible inside a DTD; never reached
    names: dict[str, str] = {}
    count = 0

    def on_start(name, attrs):
        nonlocal count
        count += 1
        if count > max_elements:
            raise UnsafeFileError(f"{what} has more than {max_elements:,} XML elements; refused")
        start(names.get(name) or names.setdefault(name, local_name(name)), attrs)

    parser.StartElementHandler = on_start
    if end is not None:
        parser.EndElementHandler = lambda name: end(names[name])     # its start filled the cache
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnsafeFileError(f"{what} is not well-formed XML ({expat.ErrorString(exc.code)}, "
                              f"line {exc.lineno}, column {exc.offset})") from None
    except (BadZipFile, zlib.error, EOFError) as exc:
        raise UnsafeFileError(f"{what} cannot be read: {exc}") from None
