"""The one importer interface: declared options, ``read`` (check, write nothing), ``commit``.

Every kind of file geoaid imports (boundaries, classification lists, projects,
and the IATI and needs importers to come) is an :class:`Importer` listed in
:mod:`geoaid.imports.registry`. The command line builds each ``geoaid import
KIND`` subcommand's flags from the importer's :class:`Option` declarations,
and the web upload page builds its form fields from the same declarations;
both turn what the user gave into option values with :func:`option_values`,
so a value the CLI refuses is refused by the form too, with the same rule.

Example::

    importer = registry.get("projects")
    options = option_values(importer, {"sample": True})
    prepared = importer.read("projects.xlsx", options, workspace)   # nothing written
    report = importer.commit(prepared, workspace, user="cli", keep_valid=False)
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from geoaid.imports.problems import ImportReport


class OptionError(ValueError):
    """An option value is refused; ``words`` is the catalog key of the message users read."""

    def __init__(self, message: str, words: str = "bad_option"):
        super().__init__(message)
        self.words = words


@dataclass(frozen=True)
class Option:
    """One setting of an import, declared once for the CLI flag and the web form field.

    ``name`` is the key in the options dict, the form field's name and (as
    ``--name-with-dashes``) the CLI flag. ``label`` and ``choice_labels`` are
    catalog keys of the words the form shows (text without a catalog entry is
    shown as it is). ``web_choices``/``web_pattern`` narrow what the web form
    accepts (a PROJ string could name files on the server); ``refusal`` is the
    catalog key of the message shown when the form's value is refused.
    """

    name: str
    help: str
    type: type = str                      # str, bool (a flag/checkbox), or a text → value converter
    choices: tuple[str, ...] = ()
    default: object = None
    required: bool = False
    web: bool = False                     # offered on the upload form
    label: str | None = None
    example: str = ""                     # shown after the label in the form's empty field
    choice_labels: Mapping[str, str] = field(default_factory=dict)
    web_choices: tuple[str, ...] = ()
    web_pattern: str | None = None
    refusal: str = "bad_option"
    group: str | None = None              # form fields of one group are shown together, folded
    metavar: str | None = None
    off_flag: str | None = None           # for a bool: the CLI flag that sets it False ("--replace")
    off_help: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def value(self, given: object, web: bool = False) -> object:
        """``given`` (form text, or what argparse parsed) as this option's value; OptionError if refused."""
        if self.type is bool:
            return given is True or str(given).strip().lower() in ("on", "true", "1", "yes")
        text = "" if given is None else str(given).strip()
        if not text:
            if self.required:
                raise OptionError(f"{self.flag} is required", self.refusal)
            return self.default
        allowed = self.web_choices if web and self.web_choices else self.choices
        if allowed and text not in allowed:
            raise OptionError(f"{self.flag}: {text!r} is not one of {', '.join(allowed)}", self.refusal)
        if web and self.web_pattern and not re.fullmatch(self.web_pattern, text):
            raise OptionError(f"{self.flag}: {text!r} is not accepted here", self.refusal)
        try:
            return self.type(text)
        except ValueError as exc:
            raise OptionError(f"{self.flag}: {exc}", self.refusal) from None


@dataclass
class Prepared:
    """What ``read`` found: the importer's data to commit, its report, and the options used."""

    importer: str
    data: object
    report: ImportReport
    options: dict
    valid: int                 # rows/features that would be written
    total: int

    @property
    def importable(self) -> bool:
        """False when confirming could write nothing: not one valid row (an empty file included)."""
        return self.valid > 0

    @classmethod
    def counted(cls, importer: str, data, report: ImportReport, options: dict,
                rows: Iterable[int]) -> Prepared:
        """Counted from the data's row numbers: rows with errors may be kept in ``data`` or not."""
        seen, bad = set(rows), report.bad_rows()
        return cls(importer, data, report, options, len(seen - bad), len(seen | bad))


class Importer(ABC):
    """One kind of file: what it accepts, which options it takes, how it reads and writes.

    ``read`` checks the whole file against the workspace and writes nothing;
    ``commit`` writes what ``read`` prepared in one workspace transaction with
    its audit row, all-or-nothing unless ``keep_valid`` (then rows with errors
    are skipped), and never raises for a refused file: ``report.written`` says.
    """

    key: str
    label: str                            # English words for `geoaid import --help`
    description: str = ""
    suffixes: tuple[str, ...] = ()        # files the CLI reads
    upload_suffixes: tuple[str, ...] = () # single files the web takes (default: ``suffixes``)
    rows: str = "rows"                    # what a report counts: rows, features…
    options: tuple[Option, ...] = ()
    # The command line sets a progress bar factory: progress(total bytes) → a bar with update(n), close().
    # Importers of long files use it while reading; the web, which has no terminal, leaves it None.
    progress: Callable[[int], object] | None = None

    @property
    def uploads(self) -> tuple[str, ...]:
        return self.upload_suffixes or self.suffixes

    @property
    def web_options(self) -> tuple[Option, ...]:
        return tuple(option for option in self.options if option.web)

    @abstractmethod
    def read(self, path: str | os.PathLike, options: dict, workspace,
             source_name: str | None = None) -> Prepared:
        """Read and check ``path``; ``source_name`` is the file name reports show (an upload's)."""

    @abstractmethod
    def commit(self, prepared: Prepared, workspace, user: str = "cli",
               keep_valid: bool = False) -> ImportReport:
        """Write ``prepared`` in one transaction with an audit row by ``user``."""


def option_values(importer: Importer, given: Mapping[str, object], web: bool = False) -> dict:
    """Every option of ``importer`` as a checked value, from the CLI's arguments or a form.

    On the web only the options the form offers are read; the others keep
    their defaults. Raises :class:`OptionError` for a refused value.

    >>> from geoaid.imports.registry import get
    >>> option_values(get("boundaries"), {"version": "2025", "crs": "+proj=longlat"}, web=True)
    Traceback (most recent call last):
    geoaid.imports.base.OptionError: --crs: '+proj=longlat' is not accepted here
    """
    return {option.name: option.value(given.get(option.name), web) if option.web or not web
            else option.default for option in importer.options}
