"""HTML pages: the map and the API index."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from geoaid import schema
from web import workspace
from web.api import parse_province
from web.maps import map_frame

bp = Blueprint("pages", __name__)


@bp.route("/")
def home():
    ws = workspace()
    communes = ws.read(schema.COMMUNES)
    province = parse_province(request.args.get("province"), communes)
    shown = communes[communes["province_code"] == province] if province else communes
    provinces = (communes.drop_duplicates("province_code").sort_values("province_code")
                 [["province_code", "province_name"]].itertuples(index=False))
    frame = map_frame(shown.total_bounds if len(shown) else None)
    data_url = url_for("api.communes_geojson", province=province or None,
                       detail="province" if province or len(communes) < 3000 else "national")
    return render_template("map.html", frame=frame, data_url=data_url, provinces=list(provinces),
                           province=province, metadata=ws.metadata())


@bp.route("/api")
def api_index():
    from web.openapi import spec

    return render_template("api.html", spec=spec())
