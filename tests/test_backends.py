"""The same behaviour on both workspace backends: imports, analysis, the web app, accounts, concurrency.

``workspace_backend`` gives each test a private demo workspace as a GeoPackage
copy and as a PostGIS clone (tests/conftest.py); each test runs on both.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading

import pandas as pd

from geoaid.analysis.coverage import coverage, gap_ranking
from geoaid.analysis.filters import Filters
from geoaid.cli import main
from geoaid.snapshot.snapshot import Snapshot
from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from geoaid.store.workspace import Workspace
from tests.accounts import ACCOUNTS, PASSWORD, sign_in, token
from tests.concurrent_imports import PROVINCE, cli_import, import_in_process, write_a_and_b
from tests.postgis_workspaces import table_digests
from tests.server_process import running_server, timed_get
from tests.test_import_projects import write_csv
from tests.web_uploads import GOOD_PROJECTS, confirm, upload
from web import create_app


def stored_state(workspace) -> dict | str:
    """Everything the workspace stores: the file's bytes, or every table's rows."""
    if isinstance(workspace, Workspace):
        return hashlib.sha256(workspace.path.read_bytes()).hexdigest()
    return table_digests(workspace.location)


def test_imports_through_the_command_line_and_a_refused_row_changes_nothing(workspace_backend, tmp_path, capsys):
    where = workspace_backend.location
    kv3 = tmp_path / "kv3.csv"
    kv3.write_text("STT,Mã xã,Tên xã,Huyện,Tỉnh\n1,00736,,,\n2,,Xa Sung Chang,Yen Minh,Ha Giang\n"
                   "3,,Xã Tân Thành,Thành phố Cà Mau,Cà Mau\n", encoding="utf-8")
    assert main(["import", "classifications", str(kv3), "--scheme", "region_iii", "--legal-source",
                 "Decision 861/QĐ-TTg", "--period", "2021-2025", "--workspace", where]) == 0
    rows = workspace_backend.read(schema.CLASSIFICATIONS)
    assert sorted(rows.loc[rows["scheme"] == "region_iii", "unit_code"]) == ["00736", "00829", "32026"]
    scheme = workspace_backend.read(schema.SCHEMES).set_index("scheme").loc["region_iii"]
    assert (scheme["period_start"], scheme["period_end"], scheme["sample"]) == (2021, 2025, 0)

    bad = write_csv(tmp_path, "OK-1,Trạm y tế,Quỹ A,Y tế,100000000,VND,,,,32002\n"
                              "BAD-1,Broken,Quỹ A,Y tế,abc,VND,,,,32002\n")
    before = stored_state(workspace_backend)
    assert main(["import", "projects", str(bad), "--workspace", where]) == 2
    assert "row 3, column 'Kinh phí' (value 'abc'): not a number" in capsys.readouterr().out
    assert stored_state(workspace_backend) == before

    good = write_csv(tmp_path, "OK-1,Trạm y tế,Quỹ A,Y tế,100000000,VND,01/01/2024,31/12/2025,ongoing,32002\n")
    assert main(["import", "projects", str(good), "--workspace", where]) == 0
    projects = workspace_backend.read(schema.PROJECTS).set_index("project_id")
    assert projects.at["OK-1", "budget_vnd"] == 100_000_000 and projects.at["OK-1", "start_date"] == "2024-01-01"
    locations = workspace_backend.read(schema.PROJECT_LOCATIONS)
    assert locations.loc[locations["project_id"] == "OK-1", "unit_code"].tolist() == ["32002"]
    assert workspace_backend.read(schema.AUDIT_LOG)["action"].tolist()[-2:] == ["import classifications region_iii",
                                                                             "import projects"]


def test_the_analysis_is_the_same_on_both_backends(demo_workspace, postgis_workspace):
    ours, theirs = Snapshot.read(postgis_workspace), Snapshot.read(demo_workspace)
    for boundary in ("2019", "2025"):
        pd.testing.assert_frame_equal(gap_ranking(ours.frames(boundary), Filters(provinces=("96",))),
                                      gap_ranking(theirs.frames(boundary), Filters(provinces=("96",))))
    rows = coverage(ours.frames()).set_index("commune_code")
    assert rows.at["32026", "province_code"] == "96" and rows["funding_vnd"].sum() > 0


def test_the_web_app_serves_the_gap_map_and_a_commune_page_from_postgis(postgis_workspace, demo_client):
    client = create_app(postgis_workspace.location).test_client()
    url = "/api/v1/gaps.geojson?province=96"
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.get_json() == demo_client.get(url).get_json()
    assert len(answer.get_json()["features"]) > 50
    page = client.get("/communes/32026", headers={"Accept-Language": "vi"})
    assert page.status_code == 200 and "Tân Thành" in page.get_data(as_text=True)


def test_accounts_and_sign_ins_are_shared_by_every_server_of_the_workspace(workspace_backend):
    store = AccountStore.for_workspace(workspace_backend.location)
    for name, role in ACCOUNTS.items():
        store.add(name, PASSWORD, role)
    first, second = create_app(workspace_backend.location), create_app(workspace_backend.location)
    browser = first.test_client()
    assert sign_in(browser, "planner1").status_code == 302
    cookie = browser.get_cookie("session").value
    other = second.test_client()          # another server process behind the same proxy
    other.set_cookie("session", cookie)
    assert other.get("/manage").status_code == 200
    assert other.post("/logout", data={"csrf_token": token(other, "/manage")}).status_code == 302
    again = first.test_client()
    again.set_cookie("session", cookie)                  # the signed-out cookie, replayed on the first
    assert again.get("/manage").status_code == 302
    assert store.authenticate("admin1", PASSWORD).role == "admin"
    assert store.authenticate("admin1", "wrong password") is None


def test_a_web_upload_previews_then_commits(workspace_backend, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOAID_CACHE_DIR", str(tmp_path / "cache"))    # where a database's uploads wait
    AccountStore.for_workspace(workspace_backend.location).add("planner1", PASSWORD, "planner")
    app = create_app(workspace_backend.location)
    planner = app.test_client()
    assert sign_in(planner, "planner1").status_code == 302
    before = stored_state(workspace_backend)
    preview = upload(planner, "projects", "dự án.csv", GOOD_PROJECTS.encode())
    assert preview.status_code == 200 and stored_state(workspace_backend) == before
    assert confirm(planner, preview).status_code == 200
    assert workspace_backend.read(schema.PROJECTS).set_index("project_id").loc["W-1", "title"] == \
        "Trạm y tế xã Tân Thành"
    last = workspace_backend.read(schema.AUDIT_LOG).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("planner1", "import projects", "dự án.csv")


def gaps_view(snapshot: Snapshot) -> frozenset:
    gaps = gap_ranking(snapshot.frames(), Filters(provinces=(PROVINCE,)))
    return frozenset(zip(gaps["commune_code"], gaps["project_count"].astype(int), gaps["funding_vnd"].astype(int)))


def gaps_states(demo_workspace_path, a, b, folder) -> dict[str, frozenset]:
    """The gaps of the province before the imports, after A, after A then B (on GeoPackage copies)."""
    states = {}
    for name, sequence in {"before": [], "A": [a], "A+B": [a, b]}.items():
        copy = Workspace(folder / f"state-{name.replace('+', '-')}.gpkg")
        shutil.copy2(demo_workspace_path, copy.path)
        for path in sequence:
            import_in_process(copy, path)
        states[name] = gaps_view(Snapshot.read(copy))
    assert len(set(states.values())) == len(states)
    return states


def test_a_served_postgis_workspace_shows_whole_versions_while_command_line_imports_run(
        postgis_workspace, demo_workspace_path, tmp_path):
    """Separate processes, as deployed: `geoaid serve --production` on the database, readers over HTTP,
    and `geoaid import projects` runs committing to the same database meanwhile."""
    a, b = write_a_and_b(tmp_path)
    states = gaps_states(demo_workspace_path, a, b, tmp_path)
    url = f"/api/v1/gaps?province={PROVINCE}"
    with running_server(postgis_workspace.location, tmp_path / "server-tmp",
                        env={"GEOAID_CACHE_DIR": str(tmp_path / "cache")}) as server:
        stop, seen, failures = threading.Event(), set(), []

        def reader():
            while not stop.is_set():
                status, _, body = timed_get(server.port, url, timeout=60)
                if status != 200:
                    failures.append(f"HTTP {status}: {body[:200]!r}")
                    continue
                shown = frozenset((c["commune_code"], c["project_count"], c["funding_vnd"])
                                  for c in json.loads(body)["communes"])
                match = [name for name, state in states.items() if state == shown]
                (seen.add(match[0]) if match else failures.append(sorted(shown - states["before"])))

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            for path in (a, b):
                output, _ = cli_import(path, postgis_workspace.location).communicate(timeout=120)
                assert "written" in output, output
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
        assert failures == [], "".join(server.log)[-2000:]
        assert "before" in seen
        status, _, body = timed_get(server.port, url, timeout=60)
        assert frozenset((c["commune_code"], c["project_count"], c["funding_vnd"])
                         for c in json.loads(body)["communes"]) == states["A+B"]
