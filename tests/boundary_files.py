"""Boundary files as provincial offices send them, built from the demo's real Cà Mau communes."""

import hashlib

from pyproj import CRS

from geoaid.cli import main
from geoaid.imports.crs import from_wgs84

_TYPE = r"^(Xã|Phường|Thị trấn|Huyện|Thành phố|Thị xã|Tỉnh) "


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_cli(path, workspace, *options):
    return main(["import", "boundaries", str(path), "--workspace", str(workspace.path), *options])


def as_vietnamese_shapefile(communes, folder, crs, name="xa_camau"):
    """Write communes the way provincial offices do: ma_xa/ten_xa fields, a VN-2000 zone."""
    frame = communes.rename(columns={"code": "ma_xa", "name": "ten_xa", "district_name": "ten_huyen",
                                     "province_name": "ten_tinh"})
    frame = frame[["ma_xa", "ten_xa", "ten_huyen", "ten_tinh", "geometry"]]
    frame = frame.set_geometry(from_wgs84(frame.geometry, CRS(crs)))
    path = folder / f"{name}.shp"
    frame.to_file(path, encoding="utf-8")
    return path
