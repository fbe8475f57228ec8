"""The whole country: every commune the registry packages give, served light and drawn in Chromium."""

import gzip
import json

import pytest
import shapely

from geoaid.demo.build import build_workspace
from geoaid.output.simplify import DECIMALS, TOLERANCE, simplify_for_web
from geoaid.store import schema
from geoaid.store.workspace import Workspace
from tests.browser import chromium_page, serve
from web import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "national.gpkg"
    build_workspace(Workspace(path), None, samples=True, log=lambda _msg: None)
    return Workspace(path)


def test_national_build_covers_every_province(national):
    communes = national.read(schema.COMMUNES)
    assert communes["province_code"].nunique() == 63
    assert len(communes) > 9900 and communes["code"].is_unique
    report = national.read(schema.MATCH_REPORT)
    coverage = {k: v for k, v in national.metadata().items() if k.startswith("coverage.")}
    assert len(coverage) == 63
    assert set(report["status"]) >= {"merged", "unmatched", "code_without_polygon"}


def test_simplified_national_layer_keeps_communes_valid_and_edges_shared(national):
    communes = national.read(schema.COMMUNES)
    light = simplify_for_web(communes, TOLERANCE["national"], DECIMALS["national"])
    assert light["code"].tolist() == communes["code"].tolist()
    assert not light.is_empty.any()
    assert light.is_valid.mean() > 0.999           # make_valid repairs what rounding breaks
    tree = shapely.STRtree(communes.geometry.values)
    pairs = tree.query(communes.geometry.values, predicate="touches").T
    pairs = pairs[pairs[:, 0] < pairs[:, 1]]
    shared = [(i, j) for i, j in pairs[::25]
              if communes.geometry.iloc[i].intersection(communes.geometry.iloc[j]).length > 0.05]
    assert len(shared) > 200
    broken = [(i, j) for i, j in shared if not light.geometry.iloc[i].intersects(light.geometry.iloc[j])]
    assert broken == []


def test_national_map_is_light_and_draws_every_commune(national, tmp_path):
    app = create_app(national.path)
    client = app.test_client()
    layer = client.get("/api/v1/gaps.geojson?detail=national")
    data = json.loads(layer.data)
    assert len(data["features"]) == len(national.read(schema.COMMUNES))
    assert len(layer.data) < 2.9e6                 # the naive Folium page is about 30 MB
    # Each feature names its legend entry; the classes in use are the legend's.
    assert {f["properties"]["k"] for f in data["features"]} <= set(range(len(data["legend"])))
    assert len({f["properties"]["k"] for f in data["features"]}) > 3
    compressed = client.get("/api/v1/gaps.geojson?detail=national", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.data) == layer.data
    with serve(app) as url, chromium_page(tmp_path) as page:
        page.goto(url + "/")
        page.wait_for_function("() => document.body.dataset.mapReady === 'yes'", timeout=120000)
        drawn = page.evaluate("geoaidMap.layers.communes.getLayers().length")
        assert drawn == len(data["features"])
        # (a GeometryCollection feature is a FeatureGroup: its parts carry the style)
        fills = page.evaluate("geoaidMap.layers.communes.getLayers().map(l => l.getLayers ? "
                              "l.getLayers()[0].options.fillColor : l.options.fillColor)")
        assert set(fills) == {data["legend"][f["properties"]["k"]]["colour"] for f in data["features"]}
