"""Priority index per commune from the workspace's classification schemes.

For each commune and each scheme *s* present in the workspace, an indicator
I_s in [0, 1]:

* flag and category schemes: 1 when the commune is listed (district-level
  lists, such as poor districts, list every commune of the district);
* ``count`` schemes (Program 135 hamlets): min(count / 5, 1) — five or more
  extremely difficult hamlets count fully;
* ``share`` schemes (ethnic-minority population %): share / 100.

With weights w_s (setting ``priority_weights``; defaults in
geoaid/settings.py: region III and ĐBKK coastal/island 3, ĐBKK 2.5, poor
district 2, ethnic-minority share 2, region II and Program 135 1; a scheme
without a weight gets 1):

    priority_raw   = Σ_s w_s · I_s
    priority_score = 100 · priority_raw / Σ_s w_s      (0–100)

summed over the schemes present (or those chosen by the ``schemes`` filter).
``classes`` lists the contributing classes in words, marked "(sample)"
where the list is sample data. Zones: a commune is in the ethnic-minority
zone when it is listed in region I, II or III or its ethnic-minority share is
at least 50 %; in the coastal zone when it is on the ĐBKK coastal and island
list (by classification, not by geometry).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.frames import Frames

P135_CAP = 5.0
ETHNIC_MINORITY_SHARE_ZONE = 50.0
ETHNIC_MINORITY_SCHEMES = ("region_i", "region_ii", "region_iii")
COASTAL_SCHEMES = ("dbkk_coastal",)
COLUMNS = ["commune_code", "priority_raw", "priority_score", "classes", "ethnic_minority", "coastal",
           "priority_sample"]


def commune_classes(frames: Frames) -> pd.DataFrame:
    """Classification rows expanded to communes: commune_code, scheme, value, value_num, sample."""
    rows = frames.classifications
    if rows.empty:
        return pd.DataFrame(columns=["commune_code", "scheme", "value", "value_num", "sample"])
    communes = frames.communes[["code", "district_code"]]
    direct = rows[rows["level"] == "commune"].rename(columns={"unit_code": "commune_code"})
    wide = rows[rows["level"] == "district"].merge(communes, left_on="unit_code", right_on="district_code")
    wide = wide.rename(columns={"code": "commune_code"})
    keep = ["commune_code", "scheme", "value", "value_num", "sample"]
    out = pd.concat([direct[keep], wide[keep]], ignore_index=True)
    return out[out["commune_code"].isin(frames.communes["code"])]


def priority_index(frames: Frames, weights: dict | None = None, schemes=None) -> pd.DataFrame:
    """One row per commune: score 0–100, the classes behind it, and zone flags."""
    weights = dict(weights or frames.settings.get("priority_weights", {}))
    classes = commune_classes(frames)
    meta = frames.schemes.set_index("scheme") if not frames.schemes.empty else pd.DataFrame()
    present = [s for s in (meta.index if len(meta) else []) if not schemes or s in schemes]
    out = pd.DataFrame({"commune_code": frames.communes["code"].to_numpy()})
    if not present:
        return out.assign(priority_raw=0.0, priority_score=0.0, classes="", ethnic_minority=False,
                          coastal=False, priority_sample=False)[COLUMNS]
    classes = classes[classes["scheme"].isin(present)].copy()
    kind = classes["scheme"].map(meta["kind"])
    value = pd.to_numeric(classes["value_num"], errors="coerce")
    classes["indicator"] = np.select(
        [kind == "count", kind == "share"],
        [np.minimum(value.fillna(0) / P135_CAP, 1.0), value.fillna(0).clip(0, 100) / 100.0],
        default=np.where(value.isna(), 1.0, value.clip(0, 1)))
    classes["weight"] = classes["scheme"].map(lambda s: float(weights.get(s, 1.0)))
    classes["points"] = classes["indicator"] * classes["weight"]
    classes["label"] = [_label(s, k, v, t, meta) for s, k, v, t in
                        zip(classes["scheme"], kind, value, classes["value"])]
    total_weight = sum(float(weights.get(s, 1.0)) for s in present)
    grouped = classes[classes["indicator"] > 0].groupby("commune_code")
    raw = classes.groupby("commune_code")["points"].sum()
    labels = grouped["label"].agg(lambda x: "; ".join(sorted(x)))
    sample = classes.groupby("commune_code")["sample"].agg(lambda x: bool((x.astype(float) == 1).any()))
    em_share = classes[classes["scheme"] == "ethnic_minority_share"].set_index("commune_code")["indicator"] * 100
    em_listed = set(classes.loc[classes["scheme"].isin(ETHNIC_MINORITY_SCHEMES) & (classes["indicator"] > 0),
                                "commune_code"])
    coastal = set(classes.loc[classes["scheme"].isin(COASTAL_SCHEMES) & (classes["indicator"] > 0),
                              "commune_code"])
    code = out["commune_code"]
    out["priority_raw"] = code.map(raw).fillna(0.0).astype(float)
    out["priority_score"] = (100.0 * out["priority_raw"] / total_weight).round(2) if total_weight else 0.0
    out["classes"] = code.map(labels).fillna("")
    out["ethnic_minority"] = code.isin(em_listed) | (code.map(em_share).fillna(0) >= ETHNIC_MINORITY_SHARE_ZONE)
    out["coastal"] = code.isin(coastal)
    out["priority_sample"] = code.map(sample).fillna(False).astype(bool)
    return out[COLUMNS]


def _label(scheme, kind, value, text, meta) -> str:
    label = str(meta.at[scheme, "label"]) if scheme in meta.index else scheme
    label = label.removeprefix("SAMPLE – ")
    short = {"region_iii": "Region III", "region_ii": "Region II", "region_i": "Region I",
             "dbkk": "ĐBKK", "dbkk_coastal": "ĐBKK coastal/island", "poor_district": "Poor district",
             "p135_hamlets": "P135 hamlets", "ethnic_minority_share": "Ethnic minority"}.get(scheme, label)
    if kind == "count":
        short = f"{short}: {value:g}"
    elif kind == "share":
        short = f"{short} {value:g}%"
    elif kind == "category":
        short = f"{short}: {text}"
    sample = scheme in meta.index and float(meta.at[scheme, "sample"] or 0) == 1
    return short + (" (sample)" if sample else "")
