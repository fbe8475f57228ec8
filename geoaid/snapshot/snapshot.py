"""One workspace file version, read once, with its analysis on both boundary versions.

An import may swap the workspace file at any moment (an atomic rename, see
geoaid.store.workspace). A response, a print map or an export must show one
version, never tables of two. So a :class:`Snapshot` reads every table it
will ever need up front and checks that the file's version stamp (inode,
mtime, size) did not change meanwhile, reading again if it did. After that
it never reads the file's tables again: the 2025 communes and the crosswalk
are in memory too, so the 2025 frames, the commune lineage and everything
derived from them come from the pinned version, whenever they are asked for.

The one exception is the map geometry stored at import (``<layer>_display``,
geoaid.output.display_geometry): it is large, read only by web maps, and
carries a fingerprint of the communes it was made from; it is read when
first needed and used only if that fingerprint matches the pinned communes
(else the pinned communes are simplified), so it cannot mix versions either.

Example::

    snapshot = Snapshot.read(Workspace("workspace/demo.gpkg"))
    rows = snapshot.on("2025").coverage(Filters(provinces=("96",)))   # computed once, then kept
    snapshot.light_geometry("2019", "province")                       # by commune code
    snapshot.tiles("2019").tile(12, 3258, 1805)                        # MVT bytes
"""

from __future__ import annotations

import threading

import geopandas as gpd
import pandas as pd

from geoaid.analysis.frames import Frames, load_frames
from geoaid.analysis.memoised import Analysis, Memo
from geoaid.output.display_geometry import stored_display
from geoaid.output.simplify import DECIMALS, TOLERANCE, simplify_for_web
from geoaid.output.tiles import TileSet
from geoaid.reform.versions import available_versions, frames_for_version, new_to_old, old_to_new, read_stored_crosswalk
from geoaid.store import schema
from geoaid.store.base import WorkspaceBase as Workspace
from geoaid.store.errors import WorkspaceError

READ_ATTEMPTS = 5   # an import takes seconds: five swaps during one read means something is wrong
BOUNDARY_LAYERS = {"2019": schema.COMMUNES, "2025": schema.COMMUNES_2025}
LINEAGES_KEPT = 4096   # commune lineages remembered per snapshot (a few rows each)


class PinnedLayers:
    """The 2025 layers of one file version, held in memory; reads like a Workspace (read, layers)."""

    def __init__(self, names: list[str], tables: dict[str, pd.DataFrame]):
        self._names = list(names)
        self._tables = tables

    def layers(self) -> list[str]:
        return list(self._names)

    def read(self, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
        return self._tables[layer].copy()


def _read_once(workspace: Workspace) -> tuple[Frames, PinnedLayers]:
    legacy = load_frames(workspace)
    names = workspace.layers()
    tables = {schema.COMMUNES_2025: gpd.GeoDataFrame(columns=schema.COMMUNE_COLUMNS, geometry=[],
                                                     crs=schema.CRS),
              schema.CROSSWALK: pd.DataFrame()}
    if "2025" in available_versions(PinnedLayers(names, tables)):
        tables = {layer: workspace.read(layer) for layer in tables}
    return legacy, PinnedLayers(names, tables)


def read_pinned(workspace: Workspace) -> tuple[tuple, Frames, PinnedLayers]:
    """(file version, legacy frames, 2025 layers), all read from that one file version.

    Raises WorkspaceError when the file changed during every attempt.
    """
    for _ in range(READ_ATTEMPTS):
        version = workspace.version()
        legacy, pinned = _read_once(workspace)
        if workspace.version() == version:
            return version, legacy, pinned
    raise WorkspaceError(f"{workspace.display} keeps changing; try again in a moment",
                         public="The workspace keeps changing; try again in a moment.")


class Snapshot:
    """A workspace at one file version and its analysis per boundary version (thread-safe)."""

    def __init__(self, workspace: Workspace, version: tuple, legacy: Frames, pinned: PinnedLayers):
        self.workspace = workspace       # for the stored display geometry only (fingerprinted)
        self.path = workspace.location
        self.version = version           # Workspace.version() of everything here
        self._legacy = legacy
        self._pinned = pinned
        self._boundaries = Memo()
        self._lineages = Memo(max_results=LINEAGES_KEPT)
        self.boundaries = available_versions(pinned)   # "2019", and "2025" once the reform was built

    @classmethod
    def read(cls, workspace: Workspace) -> Snapshot:
        """The workspace as it is now (see :func:`read_pinned`)."""
        return cls(workspace, *read_pinned(workspace))

    def with_settings(self, **changes) -> Snapshot:
        """The same version with some settings changed for one run (e.g. an allocation rule)."""
        return Snapshot(self.workspace, self.version, self._legacy.with_settings(**changes), self._pinned)

    def on(self, boundary: str = "2019") -> Analysis:
        """The memoised analysis on ``boundary`` ("2019" legacy or "2025").

        ValueError for an unknown version, or "2025" before `geoaid reform build` (it says so).
        """
        return self._boundaries.value(boundary, lambda: Analysis(
            frames_for_version(self._legacy, self._pinned, boundary)))

    def frames(self, boundary: str = "2019") -> Frames:
        return self.on(boundary).frames

    def light_geometry(self, boundary: str, detail: str) -> gpd.GeoSeries:
        """Commune geometry simplified for the browser (geoaid.output.simplify), by commune code.

        Imported boundaries carry it ready-made, so a file of millions of
        vertices does not make the first map wait; otherwise the communes are
        simplified here, once per snapshot.
        """
        if detail not in TOLERANCE:
            raise ValueError(f"detail must be one of {', '.join(TOLERANCE)}")
        analysis = self.on(boundary)
        communes = analysis.frames.communes

        def build():
            stored = stored_display(self.workspace, BOUNDARY_LAYERS[boundary], communes, detail)
            if stored is not None:
                return stored
            return simplify_for_web(communes, TOLERANCE[detail], DECIMALS[detail]).set_index("code").geometry
        return analysis.remember(("geometry", detail), build)

    def tiles(self, boundary: str) -> TileSet:
        """The vector tiles of the communes on ``boundary`` (geoaid.output.tiles), one tile set per snapshot."""
        # Kept beside the analyses, not among the many response bodies that could push it out.
        return self._boundaries.value(("tiles", boundary), lambda: TileSet(self.frames(boundary).communes))

    def lineage(self, code: str, boundary: str = "2019") -> list[dict]:
        """The legacy communes a 2025 commune came from, or the 2025 communes a legacy one went to."""
        # Once per commune and version: every view of a commune page asks. (Rows to read, never change.)
        return self._lineages.value((code, boundary), lambda: self._lineage(code, boundary))

    def _lineage(self, code: str, boundary: str) -> list[dict]:
        crosswalk = self._boundaries.value("crosswalk", lambda: read_stored_crosswalk(self._pinned))
        if crosswalk.empty:
            return []
        if boundary == "2025":
            rows = new_to_old(code, crosswalk, self._legacy.communes)
        else:
            rows = old_to_new(code, crosswalk, self._pinned.read(schema.COMMUNES_2025))
        return rows.to_dict("records")


class SnapshotRegistry:
    """The current snapshot per workspace path, keeping the newest ``keep`` versions of each.

    Two by default: the newest, and the one requests that began before an
    import may still be reading. One thread per path reads a new version;
    the others wait for it instead of reading the same tables again.
    """

    def __init__(self, keep: int = 2):
        self.keep = keep
        self._snapshots: dict[str, dict[tuple, Snapshot]] = {}
        self._lock = threading.Lock()
        self._readers: dict[str, threading.Lock] = {}

    def current(self, workspace: Workspace) -> Snapshot:
        """The snapshot of the workspace's current file version, read if not yet held."""
        path = workspace.location
        found = self._held(path, workspace.version())
        if found is not None:
            return found
        with self._lock:
            reader = self._readers.setdefault(path, threading.Lock())
        with reader:
            found = self._held(path, workspace.version())   # read by another thread meanwhile?
            if found is not None:
                return found
            snapshot = Snapshot.read(workspace)
            with self._lock:
                held = self._snapshots.setdefault(path, {})
                held[snapshot.version] = snapshot
                for old in list(held)[:-self.keep]:   # oldest first: dicts keep insertion order
                    del held[old]
            return snapshot

    def held_versions(self, path) -> list[tuple]:
        with self._lock:
            return list(self._snapshots.get(str(path), {}))

    def _held(self, path: str, version: tuple) -> Snapshot | None:
        with self._lock:
            return self._snapshots.get(path, {}).get(version)


REGISTRY = SnapshotRegistry()


def current_snapshot(workspace: Workspace) -> Snapshot:
    """The process-wide current snapshot of ``workspace`` (see :class:`SnapshotRegistry`)."""
    return REGISTRY.current(workspace)
