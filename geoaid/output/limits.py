"""The one set of print limits: formats, papers, orientations, resolutions.

The command line and the web app check print options here, so a map the
CLI accepts is refused by the server only where the server's own memory is
at stake, and then with the same rule:

* resolution: 50–600 dpi for a file written on the planner's machine; a map
  drawn by the server stops at 300 dpi (an A3 map at 600 dpi is a 280 MB
  raster held while it is encoded, in the process serving everyone);
* paper: ISO A4 and A3, portrait or landscape.

>>> check_dpi("150")
150
>>> check_dpi(400, maximum=SERVED_DPI_MAX)
Traceback (most recent call last):
...
ValueError: dpi must be a whole number from 50 to 300, got 400
"""

from __future__ import annotations

IMAGE_FORMATS = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # ISO 216, portrait width × height in mm
ORIENTATIONS = ("portrait", "landscape")
DPI_MIN = 50                 # drafts: small enough to check a layout in a second
DPI_MAX = 600                # files written locally
SERVED_DPI_MAX = 300         # maps drawn by the web server (memory, see the module docstring)
DEFAULT_DPI = 300            # print quality: A4 landscape = 3507 × 2480 px
SERVED_DEFAULT_DPI = 200     # the web map's download links: sharp on screen, quicker to draw


def check_dpi(dpi, maximum: int = DPI_MAX) -> int:
    """``dpi`` as an int within DPI_MIN..``maximum``; ValueError otherwise."""
    text = str(dpi).strip()
    if not text.isdigit() or not DPI_MIN <= int(text) <= maximum:
        raise ValueError(f"dpi must be a whole number from {DPI_MIN} to {maximum}, got {dpi}")
    return int(text)


def check_paper(paper) -> str:
    """The paper's name in capitals (``"a3"`` → ``"A3"``); ValueError for an unknown paper."""
    name = str(paper).upper()
    if name not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    return name


def check_orientation(orientation) -> str:
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be portrait or landscape, got {orientation!r}")
    return orientation


def check_image_format(fmt) -> str:
    """The format in lower case (png, pdf, svg); ValueError otherwise."""
    name = str(fmt).lower()
    if name not in IMAGE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(IMAGE_FORMATS)}, got {fmt!r}")
    return name
