"""Writing checked communes into the workspace: one transaction, metadata, audit row."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from geoaid.imports.boundaries.codes import gso
from geoaid.imports.boundaries.source import Source
from geoaid.imports.problems import ImportReport
from geoaid.output.display_geometry import write_communes
from geoaid.store import schema


def layer_for(version: str) -> str:
    """The workspace layer of a boundary version ("2019" or "2025")."""
    return schema.COMMUNES if version == "2019" else schema.COMMUNES_2025


def write_boundaries(workspace, frame: gpd.GeoDataFrame, report: ImportReport, merge: bool = False,
                     keep_valid: bool = False, user: str = "cli") -> ImportReport:
    """Write validated communes all-or-nothing (or only the valid ones with keep_valid).

    With ``merge`` only the communes of the file's provinces are replaced;
    the file's communes then need province codes, and codes must not clash
    with communes kept from other provinces. A refused import writes nothing.
    A workspace file that does not exist yet is created from the boundaries
    (a user's own boundaries first: no demo build needed).
    """
    source: Source = getattr(report, "source", None) or Source(report.file, report.file)
    version = str(frame["boundary_version"].iloc[0]) if len(frame) else "2019"
    target = layer_for(version)
    new = not workspace.exists()
    current = workspace.read(target) if merge and len(frame) and not new else None
    if current is not None:
        _check_merge(frame, current, report)
    bad = report.bad_rows()
    file_wide = [p for p in report.errors if p.row is None]
    good = frame[~frame["source_row"].isin(bad)].drop(columns="source_row")
    if file_wide or good.empty or (bad and not keep_valid):
        if not file_wide and good.empty:
            report.add(None, None, None, "no valid feature to import")
        report.counts["valid"] = len(frame) - len(bad)
        report.written = False
        return report
    good = good[schema.COMMUNE_COLUMNS + ["geometry"]]
    provinces = sorted(good["province_code"].dropna().astype(str).unique())
    imported = len(good)
    previous = {} if new else workspace.metadata()
    with workspace.transaction(create=new) as tx:
        if current is not None:
            keep = current[~current["province_code"].isin(provinces)]
            good = gpd.GeoDataFrame(pd.concat([keep, good], ignore_index=True), crs=schema.CRS)
        # The originals as imported, and map geometry simplified from them once, now.
        write_communes(tx, target, good.sort_values("code", kind="stable").reset_index(drop=True))
        tx.set_metadata(**_metadata(previous, source, version, good, provinces, merge))
        tx.audit(user, f"import boundaries {version}", report.file, {
            "imported": imported, "created": new, "skipped": len(bad), "merge": merge, "layer": target,
            "source": source.label, "crs": source.crs, "fields": source.fields, "codes": source.code_mode,
            "provinces": provinces})
    if version == "2019" and not new and _has_derived_2025(workspace):
        report.add(None, None, None, "the 2025 layer was derived from the previous legacy boundaries; "
                   "run `geoaid reform build` to derive it from the imported ones", severity="warning")
    report.counts["valid"] = len(frame) - len(bad)
    report.counts["imported"] = imported
    report.counts["skipped"] = len(bad)
    report.written = True
    return report


def _check_merge(frame, current, report: ImportReport) -> None:
    for n in frame.loc[frame["province_code"].isna(), "source_row"]:
        report.add(int(n), "province_code", None, "--merge needs each unit's province: give "
                   "--province-code-field or --province-field, or GSO commune codes")
    provinces = set(frame["province_code"].dropna())
    kept = current[~current["province_code"].isin(provinces)]
    owner = dict(zip(kept["code"], kept["province_code"]))
    for code, n in zip(frame["code"], frame["source_row"]):
        if code in owner:
            report.add(int(n), "code", code, f"code already used by a commune of province "
                       f"{owner[code]} that --merge keeps")


def _metadata(previous: dict, source: Source, version: str, written, provinces, merge: bool) -> dict:
    today = date.today().isoformat()
    codes = ("the file's code field" + (f" {source.fields['code']!r}" if "code" in source.fields else "")
             if source.code_mode == "file" else "GSO list by names (vietnamadminunits)")
    described = f"imported from {source.label} on {today}"
    meta = {f"import.boundaries.{version}": f"{source.label}; CRS {source.crs}; codes: {codes}; "
                                            f"{'merged' if merge else 'replaced'} {today}"}
    if version == "2025":
        meta["reform.layer_2025"] = described if not merge else \
            f"{previous.get('reform.layer_2025', '')}; provinces {','.join(provinces)} {described}"
        return meta
    if merge:
        meta["source.geometry"] = (f"{previous.get('source.geometry', '')}; provinces "
                                   f"{','.join(provinces)} {described}").strip("; ")
        meta["source.codes"] = (f"{previous.get('source.codes', '')}; provinces {','.join(provinces)}: "
                                f"{codes}").strip("; ")
        meta["source.geometry.terms"] = (f"{previous.get('source.geometry.terms', '')}; provinces "
                                         f"{','.join(provinces)}: as licensed by the supplier of "
                                         f"{source.file}").strip("; ")
    else:
        meta["source.geometry"] = described
        meta["source.codes"] = codes
        meta["source.geometry.terms"] = (f"as licensed by the supplier of {source.file} "
                                         "(not checked by geoaid)")
        for key in previous:
            if key.startswith("coverage.") and key.split(".", 1)[1] not in provinces:
                meta[key] = "not in the workspace since the boundary import of " + today
    all_provinces = sorted(set(written["province_code"].dropna().astype(str)))
    meta["boundary_version"] = "2019"
    meta["provinces"] = ",".join(all_provinces)
    official = gso(provinces).groupby("province_code").size()
    present = written.groupby("province_code").size()
    for province in provinces:
        if province in official.index:
            meta[f"coverage.{province}"] = (f"{int(present.get(province, 0))} of {int(official[province])} "
                                            f"official communes ({source.file})")
    return meta


def _has_derived_2025(workspace) -> bool:
    if schema.COMMUNES_2025 not in workspace.layers():
        return False
    layer = workspace.read(schema.COMMUNES_2025)
    return bool(len(layer)) and not (layer["match_method"].astype(str) == "imported").all()
