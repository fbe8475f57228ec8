"""Messages without server paths: file names stay, the folders they sit in go.

Importers, GDAL and the workspace name the files they open. On the command
line that is the user's own path and helps; through the web app the same
text would tell anyone where the server keeps its workspace, its staged
uploads and its temporary files. Such text goes through
:func:`hide_server_paths` first: a path the caller knows a better name for
(a staged upload → the user's file name) gets that name, and any other path
inside one of the given folders is cut to its last part (``x.shp``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

# What may follow a folder inside one path: anything but the characters that end a path in
# messages (spaces, quotes, brackets, separators of a list).
_REST = r"(?:[/\\][^\s'\"<>:;,()\[\]{}]*)?"


def _spellings(path: str | os.PathLike) -> set[str]:
    """A path as given, made absolute, and with links resolved (/tmp may be a link)."""
    raw = os.fspath(path)
    forms = {raw, os.path.abspath(raw)}
    try:
        forms.add(str(Path(raw).resolve()))
    except OSError:
        pass
    # A folder that is the filesystem root (or a drive) would match every path: never hidden as a folder.
    return {form.rstrip("/\\") for form in forms if len(Path(form).parts) > 1}


def _last_part(path: str) -> str:
    return re.split(r"[/\\]+", path.rstrip("/\\"))[-1] or "…"


def hide_server_paths(text: str, folders: Iterable[str | os.PathLike] = (),
                      names: Mapping[str | os.PathLike, str] | None = None) -> str:
    """``text`` with each path in ``names`` replaced by its name, and any path inside ``folders``
    (or a folder itself) by its last part."""
    text = str(text)
    known = sorted(((form, name) for path, name in (names or {}).items() for form in _spellings(path)),
                   key=lambda pair: len(pair[0]), reverse=True)
    for form, name in known:
        text = text.replace(form, name)
    forms = sorted({form for folder in folders for form in _spellings(folder)}, key=len, reverse=True)
    if forms:
        # A folder counts only as a whole name: /srv/data does not match inside /srv/database.
        pattern = re.compile("(?:" + "|".join(map(re.escape, forms)) + r")(?![\w.-])" + _REST)
        text = pattern.sub(lambda match: _last_part(match.group(0)), text)
    return text
