"""Stream ``iati-activities`` XML one ``iati-activity`` at a time, in bounded memory.

The file goes through :func:`geoaid.imports.safexml.pull_xml`: any DOCTYPE
is refused before the parser reads a byte, so no entity is ever declared,
expanded or fetched, and the C parser builds the elements a chunk at a time.
Each activity is handed on as soon as it ends and then removed from the
tree, so a 200 MB publisher file costs the memory of one activity plus the
rows kept from the others; an activity of more than
``MAX_ACTIVITY_ELEMENTS`` elements is refused rather than held.

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

from geoaid.imports.safexml import local_name, pull_xml
from geoaid.imports.safezip import UnsafeFileError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Real activities hold hundreds of elements; results-heavy ones a few thousand.
MAX_ACTIVITY_ELEMENTS = 200_000
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


def read_activities(source: BinaryIO, what: str, handle: Callable[[Activity], None]) -> FileInfo:
    """Call ``handle`` with each ``iati-activity`` of ``source``, in file order, as it is read.

    Raises :class:`UnsafeFileError` (DOCTYPE, malformed XML, an activity over
    the bounds) or :class:`NotIati` (another root element) when it meets them;
    the activities before the fault have been handled by then.
    """
    info, root, depth, pending, count = FileInfo(), None, 0, 0, 0
    for event, element in pull_xml(source, what):
        if event == "start":
            depth += 1
            if root is None:
                root = element
                if local_name(element.tag) != "iati-activities":
                    raise NotIati(f"{what} is not an IATI activity file: its root element is "
                                  f"<{local_name(element.tag)}>, not <iati-activities>")
                info.version = element.get("version")
                info.lang = element.get(XML_LANG) or "en"
                continue
            pending += 1
            if pending > MAX_ACTIVITY_ELEMENTS:
                raise UnsafeFileError(f"{what}: activity {count + 1} has more than "
                                      f"{MAX_ACTIVITY_ELEMENTS:,} elements; refused")
            continue
        depth -= 1
        if depth == 1:                      # a child of the root has ended
            if element.tag == "iati-activity":
                count += 1
                handle(Activity(count, element, element.get(XML_LANG) or info.lang, info.version or ""))
            root.clear()                    # the activity (or anything else) is done with
            pending = 0
    if root is None:
        raise NotIati(f"{what} holds no XML element")
    return info
