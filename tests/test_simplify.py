"""Simplified geometry for the browser keeps every commune and its shared edges."""

import shapely

from geoaid.output.simplify import TOLERANCE, simplify_for_web
from geoaid.store import schema


def test_coverage_simplification_keeps_communes_valid_and_shared_edges_shared(demo_workspace):
    communes = demo_workspace.read(schema.COMMUNES)
    communes = communes[communes["province_code"] == "02"].reset_index(drop=True)
    light = simplify_for_web(communes, TOLERANCE["national"])
    assert len(light) == len(communes) and light["code"].tolist() == communes["code"].tolist()
    assert light.is_valid.all() and not light.is_empty.any()
    before = shapely.get_num_coordinates(communes.geometry.values).sum()
    after = shapely.get_num_coordinates(light.geometry.values).sum()
    assert after < 0.7 * before
    # Neighbours that shared a border still share it: no slivers opened between them.
    tree = shapely.STRtree(communes.geometry.values)
    pairs = tree.query(communes.geometry.values, predicate="touches").T
    checked = 0
    for i, j in pairs[:400]:
        if i < j and communes.geometry[i].intersection(communes.geometry[j]).length > 0.01:
            assert light.geometry[i].intersection(light.geometry[j]).length > 0
            checked += 1
    assert checked > 50
