"""The core snapshot (geoaid.snapshot): one file version, each result computed once.

On the real demo workspace: results equal the analysis functions called
directly, are computed once per filter set (also when threads ask at once),
come from one file version even when an import swaps the file mid-read, and
old versions are let go.
"""

from __future__ import annotations

import gc
import threading
import weakref

import pandas as pd
import pytest

from geoaid.analysis import memoised
from geoaid.analysis.coverage import commune_projects, coverage
from geoaid.analysis.donor_names import UnknownDonor
from geoaid.analysis.donors import donor_reach, list_donors
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.analysis.memoised import Analysis
from geoaid.reform.versions import frames_for_version
from geoaid.snapshot import Snapshot, SnapshotRegistry
from geoaid.snapshot import snapshot as snapshot_module
from tests.concurrent_imports import PROVINCE, X, import_in_process, write_a_and_b

CA_MAU = Filters(provinces=(PROVINCE,))


def counting(monkeypatch, name: str) -> list:
    """Count the calls Analysis makes to ``geoaid.analysis.memoised.<name>``."""
    calls = []
    original = getattr(memoised, name)

    def counted(*args, **kwargs):
        calls.append(args[1:2])
        return original(*args, **kwargs)
    monkeypatch.setattr(memoised, name, counted)
    return calls


def test_results_equal_the_analysis_functions_called_directly(demo_workspace):
    snapshot = Snapshot.read(demo_workspace)
    frames = load_frames(demo_workspace)
    legacy = snapshot.on("2019")
    pd.testing.assert_frame_equal(pd.DataFrame(legacy.coverage(CA_MAU)), pd.DataFrame(coverage(frames, CA_MAU)))
    pd.testing.assert_frame_equal(legacy.project_rows(CA_MAU), commune_projects(frames, CA_MAU))
    pd.testing.assert_frame_equal(legacy.donors(), list_donors(frames))
    donor = list_donors(frames)["donor"].iloc[0]
    assert legacy.reach(donor, CA_MAU).totals == donor_reach(frames, donor, CA_MAU).totals
    on_2025 = frames_for_version(frames, demo_workspace, "2025")
    assert snapshot.boundaries == ["2019", "2025"]
    pd.testing.assert_frame_equal(pd.DataFrame(snapshot.on("2025").coverage()),
                                  pd.DataFrame(coverage(on_2025, allocations=on_2025.allocations)))
    assert snapshot.version == demo_workspace.version()


def test_each_result_is_computed_once_per_filter_set(demo_workspace, monkeypatch):
    coverage_calls = counting(monkeypatch, "coverage")
    allocate_calls = counting(monkeypatch, "allocate")
    analysis = Snapshot.read(demo_workspace).on("2019")
    first = analysis.coverage(CA_MAU)
    first["gap_score"] = -1                                   # a caller's change stays its own
    assert (analysis.coverage(CA_MAU)["gap_score"] >= 0).all()
    analysis.ranking(CA_MAU)
    analysis.project_rows(CA_MAU)
    analysis.reach(analysis.donors()["donor"].iloc[0], CA_MAU)
    assert len(coverage_calls) == 1 and len(allocate_calls) == 1
    analysis.coverage(Filters(provinces=("02",)))
    assert len(coverage_calls) == 2 and len(allocate_calls) == 1


def test_threads_asking_at_once_share_one_computation(demo_workspace, monkeypatch):
    calls = counting(monkeypatch, "coverage")
    analysis = Snapshot.read(demo_workspace).on("2019")
    start = threading.Barrier(8)
    results = []

    def ask():
        start.wait()
        results.append(analysis.coverage(CA_MAU))
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(results) == 8


def test_an_error_is_raised_and_not_kept(demo_workspace):
    analysis = Snapshot.read(demo_workspace).on("2019")
    for _ in range(2):
        with pytest.raises(UnknownDonor):
            analysis.reach("Nobody At All", Filters())
    assert analysis.memo.builds == 1                          # only the allocations were kept


def test_a_swap_during_the_read_gives_one_version(workspace_backend, tmp_path, monkeypatch):
    """A real import lands after the legacy tables were read and before the 2025 tables are:
    the snapshot notices and reads everything again from the new version."""
    a, _ = write_a_and_b(tmp_path)
    reads = []
    original = snapshot_module.load_frames

    def read_then_import(workspace):
        frames = original(workspace)
        reads.append(workspace.version())
        if len(reads) == 1:
            import_in_process(workspace_backend, a)          # swaps the file (atomic rename)
        return frames
    monkeypatch.setattr(snapshot_module, "load_frames", read_then_import)
    snapshot = Snapshot.read(workspace_backend)
    assert len(reads) == 2 and reads[0] != reads[1]
    assert snapshot.version == workspace_backend.version() == reads[1]
    assert "CC-A1" in set(snapshot.frames("2019").projects["project_id"])
    moved = snapshot.on("2025").allocations()
    assert "CC-A1" in set(moved["project_id"])                # the 2025 tables are the same version's


def test_a_snapshot_keeps_its_version_after_an_import(workspace_backend, tmp_path):
    a, _ = write_a_and_b(tmp_path)
    registry = SnapshotRegistry()
    before = registry.current(workspace_backend)
    import_in_process(workspace_backend, a)
    assert "CC-A1" not in set(before.on("2025").project_rows()["project_id"])   # built after the swap
    assert before.lineage(X) == Snapshot.read(workspace_backend).lineage(X)
    after = registry.current(workspace_backend)
    assert after is not before and after is registry.current(workspace_backend)
    assert "CC-A1" in set(after.on("2019").project_rows()["project_id"])


def test_the_registry_keeps_the_newest_two_versions(workspace_backend, tmp_path):
    a, b = write_a_and_b(tmp_path)
    registry = SnapshotRegistry()
    first = weakref.ref(registry.current(workspace_backend))
    versions = [first().version]
    for path in (a, b):
        import_in_process(workspace_backend, path)
        versions.append(registry.current(workspace_backend).version)
    assert registry.held_versions(workspace_backend.location) == versions[1:]
    gc.collect()
    assert first() is None                                    # the oldest version's memory is freed


def test_the_memo_is_bounded(demo_workspace):
    analysis = Analysis(load_frames(demo_workspace), max_results=3)
    for province in ("96", "95", "91", "02"):
        analysis.coverage(Filters(provinces=(province,)))
    assert len(analysis.memo) == 3
