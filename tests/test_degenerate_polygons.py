"""A degenerate polygon in a boundary file is a row-level error, never an empty or flat commune.

Real Cà Mau communes, with some features replaced by the shapes that arrive
in real files: rings whose points lie on one line, rings with fewer than
three distinct points, lines and points, bow-ties that ``make_valid`` turns
into lines. The file is GeoJSON written as text, so even rings that shapely
refuses to build (three coordinates) reach the importer as GDAL reads them.
"""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pytest
import shapely

from geoaid.cli import main
from geoaid.imports.boundaries import read_boundaries
from geoaid.store import schema

X, Y = 105.10, 9.10  # inside Cà Mau
D = 0.01


def ring(*points):
    return [[X + dx, Y + dy] for dx, dy in points]


# name → (GeoJSON geometry, words the error must contain)
DEGENERATE = {
    "collinear ring": ({"type": "Polygon", "coordinates": [ring((0, 0), (D, D), (2 * D, 2 * D), (0, 0))]},
                       "zero area"),
    "two distinct points (4 coordinates)": ({"type": "Polygon", "coordinates": [ring((0, 0), (D, D), (D, D), (0, 0))]},
                                            "fewer than 3 distinct points (2)"),
    "three coordinates": ({"type": "Polygon", "coordinates": [ring((0, 0), (D, 0), (0, 0))]},
                          "fewer than 3 distinct points (2)"),
    "one repeated point": ({"type": "Polygon", "coordinates": [ring((0, 0), (0, 0), (0, 0), (0, 0))]},
                           "fewer than 3 distinct points (1)"),
    "spike that make_valid makes a line": ({"type": "Polygon", "coordinates": [
        ring((0, 0), (D, 0), (D, D), (D, 0), (0, 0))]}, "make_valid leaves only lines or points"),
    "multipolygon of flat parts": ({"type": "MultiPolygon", "coordinates": [
        [ring((0, 0), (D, D), (2 * D, 2 * D), (0, 0))], [ring((0, D), (D, 2 * D), (2 * D, 3 * D), (0, D))]]},
        "zero area"),
    "sliver under 1 m²": ({"type": "Polygon", "coordinates": [ring((0, 0), (D, 0), (D / 2, 1e-9), (0, 0))]},
                          "zero area"),
    "line": ({"type": "LineString", "coordinates": ring((0, 0), (D, D))}, "not a polygon: a LineString"),
    "point": ({"type": "Point", "coordinates": [X, Y]}, "not a polygon: a Point"),
    "multipoint": ({"type": "MultiPoint", "coordinates": ring((0, 0), (D, D))}, "not a polygon: a MultiPoint"),
    "collection of lines": ({"type": "GeometryCollection", "geometries": [
        {"type": "LineString", "coordinates": ring((0, 0), (D, D))}]}, "not a polygon: a GeometryCollection"),
}


@pytest.fixture(scope="module")
def ca_mau(demo_workspace):
    communes = demo_workspace.read(schema.COMMUNES)
    return communes[communes["province_code"] == "96"].reset_index(drop=True)


def write_geojson(ca_mau, replaced: dict[int, dict], path):
    """The communes as a GeoJSON file (ma_xa/ten_xa fields), feature i's geometry replaced as given."""
    features = []
    for i, row in ca_mau.iterrows():
        geometry = replaced.get(i) or json.loads(gpd.GeoSeries([row.geometry]).to_json())["features"][0]["geometry"]
        features.append({"type": "Feature", "properties": {"ma_xa": row["code"], "ten_xa": row["name"]},
                         "geometry": geometry})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(DEGENERATE))
def test_each_degenerate_shape_is_one_row_error_naming_feature_code_and_name(ca_mau, tmp_path, case):
    geometry, words = DEGENERATE[case]
    path = write_geojson(ca_mau.iloc[:4], {2: geometry}, tmp_path / "xa.geojson")
    frame, report = read_boundaries(path)
    errors = [p for p in report.errors]
    assert len(errors) == 1, [str(p) for p in report.problems]
    error = errors[0]
    assert (error.row, error.column) == (3, "geometry")  # the third feature, as a GIS table numbers it
    assert words in error.reason
    assert ca_mau.loc[2, "code"] in error.reason and ca_mau.loc[2, "name"] in error.reason
    assert report.bad_rows() == {3}
    assert frame["area_km2"].notna().sum() == 3 and (frame["area_km2"].dropna() > 0).all()


def test_the_whole_family_in_one_file_imports_nothing_or_only_the_real_communes(ca_mau, tmp_path,
                                                                                writable_workspace):
    n = len(DEGENERATE)
    replaced = {i: geometry for i, (geometry, _) in enumerate(DEGENERATE.values())}
    # Accepted with a warning: a multipolygon with a real part beside a flat one keeps the real part.
    real = ca_mau.loc[n, "geometry"]
    real_part = max(getattr(real, "geoms", [real]), key=lambda p: p.area)
    replaced[n] = {"type": "MultiPolygon", "coordinates": [
        [shapely.get_coordinates(real_part.exterior).tolist()], [ring((0, 0), (D, D), (2 * D, 2 * D), (0, 0))]]}
    path = write_geojson(ca_mau, replaced, tmp_path / "family.geojson")
    _, report = read_boundaries(path)
    assert report.bad_rows() == set(range(1, n + 1))
    assert len(report.errors) == n  # exactly one error per bad feature
    kept = [p for p in report.problems if p.row == n + 1]
    assert [p.severity for p in kept] == ["warning"] and "parts without area" in kept[0].reason

    before = hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest()
    args = ["import", "boundaries", str(path), "--workspace", str(writable_workspace.path)]
    assert main(args) == 2  # all or nothing by default
    assert hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest() == before

    assert main(args + ["--keep-valid"]) == 0
    communes = writable_workspace.read(schema.COMMUNES)
    assert len(communes) == len(ca_mau) - n
    assert not set(ca_mau.loc[: n - 1, "code"]) & set(communes["code"])
    geoms = communes.geometry.values
    assert set(shapely.get_type_id(geoms)) <= {3, 6} and not shapely.is_empty(geoms).any()
    assert shapely.is_valid(geoms).all() and (communes["area_km2"] > 0).all()
    fixed = communes.set_index("code").loc[ca_mau.loc[n, "code"]]
    assert fixed.geometry.area == pytest.approx(real_part.area, rel=1e-9)
    assert fixed["area_km2"] > 1


def test_a_thin_but_real_sliver_part_is_kept_as_drawn(ca_mau, tmp_path):
    """Survey data has slivers (here 0.5 m² over 200 m): they are land, not degenerate; kept unchanged."""
    real = ca_mau.loc[0, "geometry"]
    part = max(getattr(real, "geoms", [real]), key=lambda p: p.area)
    x, y = part.exterior.coords[0]
    sliver = shapely.Polygon([(x + 0.05, y), (x + 0.0518, y), (x + 0.0509, y + 0.5 / (0.5 * 200 * 111_320))])
    shape = shapely.MultiPolygon([part, sliver])
    geometry = json.loads(gpd.GeoSeries([shape]).to_json())["features"][0]["geometry"]
    path = write_geojson(ca_mau.iloc[:2], {0: geometry}, tmp_path / "sliver.geojson")
    frame, report = read_boundaries(path)
    assert report.ok and not [p for p in report.problems if p.row == 1], [str(p) for p in report.problems]
    assert shapely.equals_exact(frame.loc[0, "geometry"], shape, 0)
