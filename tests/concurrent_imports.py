"""Projects files and imports shared by the concurrency tests: two real Cà Mau communes, files A and B."""

from __future__ import annotations

import subprocess
import sys

from geoaid.imports import registry
from geoaid.imports.base import option_values
from geoaid.store.workspace import Workspace
from tests.test_import_projects import write_csv

PROVINCE = "96"                 # Cà Mau, one of the demo provinces
X, Y = "32002", "32005"         # two of its communes (real codes from the demo build)


def project_row(project_id: str, title: str, donor: str, budget_vnd: int, commune: str) -> str:
    """One row in the Vietnamese-header layout of tests/test_import_projects.HEADER."""
    return f"{project_id},{title},{donor},Y tế,{budget_vnd},VND,01/01/2024,31/12/2025,ongoing,{commune}\n"


def write_a_and_b(folder):
    """Files A and B: each has its own project and the shared project CC-S, with another budget
    and commune. Re-importing therefore *changes* what the maps show (CC-S moves between X and
    Y), and a reader combining tables of two versions (A's project budgets with B's locations,
    or one version's projects with another's allocations) produces figures that no consistent
    state has: that is what makes a torn read visible below."""
    a = write_csv(folder, project_row("CC-A1", "Concurrency A one", "Concurrency Donor A", 1_000_000_000, X)
                  + project_row("CC-S", "Shared (A)", "Concurrency Donor A", 3_000_000_000, X), "a.csv")
    b = write_csv(folder, project_row("CC-B1", "Concurrency B one", "Concurrency Donor B", 2_000_000_000, Y)
                  + project_row("CC-S", "Shared (B)", "Concurrency Donor B", 5_000_000_000, Y), "b.csv")
    return a, b


def import_in_process(workspace: Workspace, path) -> None:
    """The core importer on ``path`` (the CLI's code path without the CLI)."""
    importer = registry.get("projects")
    report = importer.commit(importer.read(path, option_values(importer, {}), workspace), workspace)
    assert report.written, report.summary()


def cli_import(path, workspace_path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geoaid", "import", "projects", str(path),
                             "--workspace", str(workspace_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


