"""The command line: --help everywhere, the demo build, the workspace rule."""

import argparse
import subprocess
import sys

import pytest

from geoaid.cli import build_parser, main
from geoaid.store import schema
from geoaid.store.config import ENV_VAR
from geoaid.store.workspace import Workspace


def _all_command_paths(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + (name,)
                yield from _all_command_paths(sub, prefix + (name,))


def test_every_subcommand_has_help(capsys):
    paths = list(_all_command_paths(build_parser()))
    assert ("demo",) in paths and ("info",) in paths
    for path in paths:
        with pytest.raises(SystemExit) as exit_info:
            main([*path, "--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert "usage: geoaid " + " ".join(path) in out


def test_python_dash_m_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "geoaid", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "demo" in done.stdout


def test_demo_builds_a_workspace_and_if_missing_keeps_it(tmp_path, monkeypatch, capsys):
    target = tmp_path / "ws.gpkg"
    monkeypatch.setenv(ENV_VAR, str(target))  # the environment variable names the workspace
    assert main(["demo", "--provinces", "95", "--no-samples"]) == 0
    communes = Workspace(target).read(schema.COMMUNES)
    assert len(communes) == 64 and set(communes["province_code"]) == {"95"}
    assert "Population 2019 (GSO census): 64 of 64 communes have a figure; 907,236 of 907,236 people placed" \
        in capsys.readouterr().out
    # Bạc Liêu has no poor district under Decision 353 (an official, empty list); Decision 891 is Cà Mau's only.
    assert Workspace(target).read(schema.SCHEMES)["scheme"].tolist() == ["poor_district"]
    stamp = target.stat().st_mtime_ns
    assert main(["demo", "--if-missing"]) == 0
    assert target.stat().st_mtime_ns == stamp
    assert "Workspace exists" in capsys.readouterr().out


def test_info_on_a_missing_workspace_is_a_clear_error(tmp_path, capsys):
    assert main(["info", "--workspace", str(tmp_path / "none.gpkg")]) == 2
    assert "No workspace at" in capsys.readouterr().err
