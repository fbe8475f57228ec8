"""The core snapshot: one workspace file version, its frames on both boundary versions and
the analysis of them, each result computed once (geoaid/snapshot/snapshot.py)."""

from geoaid.analysis.memoised import Analysis, analysed
from geoaid.snapshot.snapshot import REGISTRY, Snapshot, SnapshotRegistry, current_snapshot, read_pinned

__all__ = ["Analysis", "REGISTRY", "Snapshot", "SnapshotRegistry", "analysed", "current_snapshot", "read_pinned"]
