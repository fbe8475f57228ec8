"""Stream ``iati-activities`` XML one ``iati-activity`` at a time, in bounded memory.

The file goes through :func:`geoaid.imports.safexml.stream_xml` (expat, fed
in chunks, any DOCTYPE refused before one declaration is read, so no entity
is ever expanded or fetched). Only the activity being read is built as a
small element tree; it is handed on and dropped before the next one starts,
so a 200 MB publisher file costs the memory of one activity plus the rows
kept from the others.

Example::

    with open("activities.xml", "rb") as source:
        read_activities(source, "activities.xml",
                        lambda activity: print(activity.element.findtext("iati-identifier")))
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from geoaid.imports.safexml import local_name, stream_xml
from geoaid.imports.safezip import UnsafeFileError

# Bounds of one activity: real ones hold hundreds of elements and a few pages of text.
MAX_ACTIVITY_ELEMENTS = 100_000
MAX_ACTIVITY_TEXT = 5_000_000
MAX_FILE_ELEMENTS = 500_000_000       # beyond what a 200 MB file can hold; a guard, not a limit met
VERSIONS = ("2.01", "2.02", "2.03")


class NotIati(ValueError):
    """The XML is well formed but is not an IATI activity file."""


@dataclass
class Activity:
    number: int                 # 1-based position in the file: the "row" of reports
    element: ET.Element
    default_lang: str           # iati-activity/@xml:lang, else the file's, else "en"
    version: str


@dataclass
class FileInfo:
    version: str | None = None
    lang: str = "en"


class _Builder:
    """Builds one activity tree from expat events; outside activities only the root is looked at."""

    def __init__(self, what: str, emit: Callable[[Activity], None]):
        self.what, self.emit, self.info = what, emit, FileInfo()
        self.depth, self.root_seen, self.count = 0, False, 0
        self.tree: ET.TreeBuilder | None = None
        self.elements = self.chars = 0
        self.lang = "en"

    def start(self, name: str, attrs: dict) -> None:
        attrs = {local_name(key): value for key, value in attrs.items()}
        if not self.root_seen:
            self.root_seen = True
            if name != "iati-activities":
                raise NotIati(f"{self.what} is not an IATI activity file: its root element is <{name}>, "
                              "not <iati-activities>")
            self.info.version = attrs.get("version")
            self.info.lang = attrs.get("lang") or "en"
            return
        if self.tree is None:
            if name != "iati-activity":
                return
            self.tree, self.elements, self.chars, self.depth = ET.TreeBuilder(), 0, 0, 0
            self.lang = attrs.get("lang") or self.info.lang
        self.depth += 1
        self.elements += 1
        if self.elements > MAX_ACTIVITY_ELEMENTS:
            raise UnsafeFileError(f"{self.what}: activity {self.count + 1} has more than "
                                  f"{MAX_ACTIVITY_ELEMENTS:,} elements; refused")
        self.tree.start(name, attrs)

    def end(self, name: str) -> None:
        if self.tree is None:
            return
        self.tree.end(name)
        self.depth -= 1
        if self.depth == 0:
            element, self.tree = self.tree.close(), None
            self.count += 1
            self.emit(Activity(self.count, element, self.lang, self.info.version or ""))

    def text(self, data: str) -> None:
        if self.tree is not None:
            self.chars += len(data)
            if self.chars > MAX_ACTIVITY_TEXT:
                raise UnsafeFileError(f"{self.what}: activity {self.count + 1} holds more than "
                                      f"{MAX_ACTIVITY_TEXT:,} characters of text; refused")
            self.tree.data(data)


def read_activities(source: BinaryIO, what: str, handle: Callable[[Activity], None]) -> FileInfo:
    """Call ``handle`` with each ``iati-activity`` of ``source``, in file order, as it is read.

    Raises :class:`UnsafeFileError` (DOCTYPE, malformed XML, an activity over
    the bounds) or :class:`NotIati` (another root element) when it meets them;
    the activities before the fault have been handled by then.
    """
    builder = _Builder(what, handle)
    stream_xml(source, what, builder.start, builder.end, builder.text, max_elements=MAX_FILE_ELEMENTS)
    if not builder.root_seen:
        raise NotIati(f"{what} holds no XML element")
    return builder.info
