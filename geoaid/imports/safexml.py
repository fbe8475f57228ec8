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

import xml.etree.ElementTree as ET
import xml.parsers.expat as expat
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO
from zipfile import BadZipFile

from geoaid.imports.safezip import UnsafeFileError

_CHUNK = 256 * 1024
_PROLOG_LIMIT = 1024 * 1024


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
        raise _doctype_refusal(what)

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


def _doctype_refusal(what: str) -> UnsafeFileError:
    return UnsafeFileError(f"{what} contains a DOCTYPE declaration; refused (a document type can declare "
                           "entities that expand to gigabytes or read files on the server, and no file "
                           "geoaid reads needs one)")


def _root_reached(head: bytes, what: str) -> bool:
    """True once ``head`` reaches the root element; refuses a DOCTYPE (or any ``<!``) before it.

    A document type can only stand in the prolog (the XML declaration,
    comments, processing instructions and white space before the root), so
    a prolog without ``<!`` other than comments declares no entity at all.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsafeFileError(f"{what} is UTF-16: save it as UTF-8")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        if pos >= len(head) - 4:
            return False
        if head.startswith((b"<?", b"<!--"), pos):
            end = head.find(b"?>" if head[pos + 1] == ord("?") else b"-->", pos)
            if end < 0:
                return False
            pos = end + 2
        elif head.startswith(b"<!", pos):
            raise _doctype_refusal(what)
        else:
            return True             # the root element, or text the parser refuses as malformed


def pull_xml(source: BinaryIO, what: str, max_text: int = 32 * 1024 * 1024
             ) -> Iterator[tuple[str, ET.Element]]:
    """``("start"|"end", element)`` events of ``source``, parsed in C a chunk at a time.

    For long documents read element by element, where a Python handler per
    element (:func:`stream_xml`) would be too slow. The tree grows as it is
    read: the caller removes what it has used (``root.clear()``) and bounds
    the elements it lets pile up. Any DOCTYPE is refused before the parser
    sees a byte (:func:`_root_reached`), so no entity can be declared,
    expanded or fetched. Raises :class:`UnsafeFileError` for a DOCTYPE,
    malformed XML, a prolog over 1 MB, or more than ``max_text`` bytes
    without an element starting or ending (one huge text).
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    head = source.read(_CHUNK)
    while not _root_reached(head, what):
        if len(head) > _PROLOG_LIMIT:
            raise UnsafeFileError(f"{what} has no root element in its first MB; refused")
        more = source.read(_CHUNK)
        if not more:
            break                               # no root: the parser says what is wrong
        head += more
    chunk, quiet = head, 0
    try:
        while chunk:
            parser.feed(chunk)
            events = list(parser.read_events())
            quiet = 0 if events else quiet + len(chunk)
            if quiet > max_text:
                raise UnsafeFileError(f"{what} holds more than {max_text // 2**20} MB of text in one "
                                      "element; refused")
            yield from events
            chunk = source.read(_CHUNK)
        parser.close()
        yield from parser.read_events()
    except ET.ParseError as exc:
        raise UnsafeFileError(f"{what} is not well-formed XML ({exc})") from None
    except (BadZipFile, zlib.error, EOFError) as exc:
        raise UnsafeFileError(f"{what} cannot be read: {exc}") from None
