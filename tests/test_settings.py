"""Settings: documented defaults, validated changes, used by the importers."""

import pytest

from geoaid.cli import main
from geoaid.store import schema


def test_exchange_rate_change_is_used_by_the_next_import(tmp_path, writable_workspace, capsys):
    ws = str(writable_workspace.path)
    assert main(["settings", "set", "exchange_rates_vnd", '{"VND": 1, "USD": 26000}', "--workspace", ws]) == 0
    assert main(["settings", "show", "--workspace", ws]) == 0
    assert '"USD": 26000' in capsys.readouterr().out
    path = tmp_path / "p.csv"
    path.write_text("id,title,donor,sector,budget,currency,locations\nR-1,T,D,health,10,USD,32002\n",
                    encoding="utf-8")
    assert main(["import", "projects", str(path), "--workspace", ws]) == 0
    projects = writable_workspace.read(schema.PROJECTS)
    assert projects.loc[projects["project_id"] == "R-1", "budget_vnd"].item() == 260000
    # EUR was dropped from the rates: now an unknown currency.
    path.write_text("id,title,donor,sector,budget,currency,locations\nR-2,T,D,health,10,EUR,32002\n",
                    encoding="utf-8")
    assert main(["import", "projects", str(path), "--workspace", ws]) == 2


@pytest.mark.parametrize("key, value, message", [
    ("exchange_rates_vnd", '{"USD": 25000}', "VND: 1"),
    ("exchange_rates_vnd", '{"VND": 1, "usd": 25000}', "three capital letters"),
    ("exchange_rates_vnd", '{"VND": 1, "USD": -1}', "positive"),
    ("area_allocation_rule", '"random"', "'even', 'area' or 'population'"),
    ("priority_weights", '{"dbkk": -1}', "non-negative"),
    ("priority_weights", "not json", "must be JSON"),
])
def test_bad_values_are_refused(writable_workspace, capsys, key, value, message):
    assert main(["settings", "set", key, value, "--workspace", str(writable_workspace.path)]) == 2
    assert message in capsys.readouterr().err
