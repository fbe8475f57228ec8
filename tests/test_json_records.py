"""One JSON encoding: the CLI's --format json and the web API give the same records."""

import json
from datetime import date

import numpy as np
import pandas as pd

from geoaid.cli import main
from geoaid.output.json_records import dumps, plain, records
from web import create_app


def test_analysis_values_become_json_values():
    frame = pd.DataFrame({"code": ["00001", "00002"], "gap": [12.5, np.nan], "n": np.array([3, 4], dtype="int64"),
                          "listed": [True, False], "start": pd.to_datetime(["2024-01-31", None]),
                          "share": pd.array([1, None], dtype="Int64")})
    assert records(frame) == [
        {"code": "00001", "gap": 12.5, "n": 3, "listed": True, "start": "2024-01-31T00:00:00", "share": 1},
        {"code": "00002", "gap": None, "n": 4, "listed": False, "start": None, "share": None}]
    assert plain({"d": date(2025, 7, 1), "xs": (np.float32(0.5), float("nan"))}) == {"d": "2025-07-01",
                                                                                   "xs": [0.5, None]}
    assert dumps({"name": "Cà Mau"}) == '{"name":"Cà Mau"}'
    assert dumps({"a": [1]}, indent=1) == '{\n "a": [\n  1\n ]\n}'


def test_cli_json_and_api_json_give_the_same_communes(demo_workspace_path, capsys):
    assert main(["gaps", "--workspace", str(demo_workspace_path), "--province", "95", "--sector", "health",
                 "--format", "json", "--limit", "0"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    client = create_app(demo_workspace_path).test_client()
    from_api = client.get("/api/v1/gaps?province=95&sector=health").json
    assert from_cli["filters"] == from_api["filters"]
    assert len(from_cli["communes"]) == 64 and from_cli["communes"] == from_api["communes"]
