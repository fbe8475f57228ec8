"""Priority index per commune from the workspace's classification schemes.

**Indicator.** For each commune and each scheme *s* in the workspace, an
indicator I_s in [0, 1]:

* ``flag`` and ``category`` schemes: 1 when the commune is listed (a value
  of 0 means "not listed"); district-level lists, such as poor districts,
  list every commune of the district;
* ``count`` schemes (Program 135 extremely difficult hamlets):
  min(count / 5, 1) — five or more hamlets count fully;
* ``share`` schemes (ethnic-minority population %): share / 100.

**Weights** w_s come from the ``priority_weights`` setting. Defaults
(geoaid/settings.py): region III 3, ĐBKK coastal/island 3, ĐBKK 2.5, poor
district 2, ethnic-minority share 2, region II 1, Program 135 hamlets 1;
region I 0.5, ATK communes (a recognition, not a need) 0 and any other scheme
1 unless set.

**Exclusive groups.** Some lists state the same fact at different levels,
so a commune must not score twice for it: the ethnic-minority area regions
(region I, II, III — a commune is in one of them) form one group, and the
two extremely-difficult lists (ĐBKK, ĐBKK coastal/island) form another. A
group scores its highest weighted indicator; every other scheme is a group
of its own. Then

    priority_raw   = Σ_groups max_{s in group} w_s · I_s
    priority_score = 100 · priority_raw / Σ_groups max_{s in group} w_s

over the schemes present in the workspace (or chosen with ``schemes``), so
100 means "at the top of every list the workspace holds" and 0 "on none".
Scores are rounded to 2 decimals.

``classes`` lists the commune's classes in words (English; ``classes_vi``
in Vietnamese), most weight first, each marked "(sample)" when its list is
sample data, so a planner sees why a commune scores as it does.

**Zones** (filters): a commune is in the *ethnic-minority zone* when it is
listed in region I, II or III, or its ethnic-minority share is at least
50 %; in the *coastal zone* when it is on the ĐBKK coastal and island list.
Both come from classifications, not from geometry: a seaside commune that
is not on the list is not in the coastal zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.analysis.frames import Frames, sample_mask

P135_CAP = 5.0
ETHNIC_MINORITY_SHARE_ZONE = 50.0
ETHNIC_MINORITY_SCHEMES = ("region_i", "region_ii", "region_iii")
COASTAL_SCHEMES = ("dbkk_coastal",)
EXCLUSIVE_GROUPS = {"region_i": "region", "region_ii": "region", "region_iii": "region",
                    "dbkk": "dbkk", "dbkk_coastal": "dbkk"}
# ATK communes (Decision 891) are a recognition, not a poverty criterion: no weight unless set.
FALLBACK_WEIGHTS = {"region_i": 0.5, "atk_commune": 0.0}
DEFAULT_WEIGHT = 1.0
COLUMNS = ["commune_code", "priority_raw", "priority_score", "classes", "ethnic_minority", "coastal",
           "priority_sample", "classes_vi"]

# Short words for the known schemes: (English, Vietnamese).
SHORT_LABELS = {
    "region_iii": ("Region III", "Khu vực III"),
    "region_ii": ("Region II", "Khu vực II"),
    "region_i": ("Region I", "Khu vực I"),
    "dbkk": ("ĐBKK", "Xã ĐBKK"),
    "dbkk_coastal": ("ĐBKK coastal/island", "ĐBKK bãi ngang ven biển, hải đảo"),
    "poor_district": ("Poor district", "Huyện nghèo"),
    "p135_hamlets": ("P135 hamlets", "Thôn ĐBKK (CT 135)"),
    "ethnic_minority_share": ("Ethnic minority", "DTTS"),
    "atk_commune": ("ATK commune", "Xã ATK"),
}


def weight_of(scheme: str, weights: dict) -> float:
    """A scheme's weight: the setting, else the documented fallback."""
    value = weights.get(scheme, FALLBACK_WEIGHTS.get(scheme, DEFAULT_WEIGHT))
    return float(value)


def commune_classes(frames: Frames) -> pd.DataFrame:
    """Classification rows expanded to communes: commune_code, scheme, value, value_num, sample.

    District-level rows become one row per commune of the district.
    """
    rows = frames.classifications
    keep = ["commune_code", "scheme", "value", "value_num", "sample"]
    if rows.empty:
        return pd.DataFrame(columns=keep)
    rows = rows.assign(unit_code=rows["unit_code"].astype(str), level=rows["level"].astype(str))
    communes = frames.communes[["code", "district_code"]]
    direct = rows[rows["level"] == "commune"].rename(columns={"unit_code": "commune_code"})
    wide = rows[rows["level"] == "district"].merge(communes, left_on="unit_code", right_on="district_code")
    wide = wide.rename(columns={"code": "commune_code"})
    out = pd.concat([direct[keep], wide[keep]], ignore_index=True)
    return out[out["commune_code"].isin(frames.communes["code"])].reset_index(drop=True)


def indicators(frames: Frames, weights: dict | None = None, schemes=None) -> pd.DataFrame:
    """One row per (commune, scheme) listed: indicator, weight, points, group and labels."""
    weights = dict(weights if weights is not None else frames.setting("priority_weights") or {})
    meta = frames.schemes.drop_duplicates("scheme", keep="last").set_index("scheme")
    if schemes:
        unknown = [s for s in schemes if s not in meta.index]
        if unknown:
            raise ValueError(f"unknown scheme {', '.join(map(repr, unknown))}; the workspace has "
                             f"{', '.join(meta.index) or 'no schemes'}")
        meta = meta.loc[list(schemes)]
    classes = commune_classes(frames)
    classes = classes[classes["scheme"].isin(meta.index)].copy()
    kind = classes["scheme"].map(meta["kind"]).astype(str)
    value = pd.to_numeric(classes["value_num"], errors="coerce")
    classes["kind"] = kind
    classes["indicator"] = np.select(
        [kind == "count", kind == "share", kind == "category"],
        [np.minimum(value.fillna(0).clip(lower=0) / P135_CAP, 1.0), value.fillna(0).clip(0, 100) / 100.0,
         np.where(value.isna(), 1.0, (value != 0).astype(float))],
        default=np.where(value.isna(), 1.0, value.clip(0, 1)))
    classes["weight"] = classes["scheme"].map({s: weight_of(s, weights) for s in meta.index})
    classes["points"] = classes["indicator"] * classes["weight"]
    classes["group"] = classes["scheme"].map({s: EXCLUSIVE_GROUPS.get(s, s) for s in meta.index})
    scheme_sample = sample_mask(meta["sample"])
    classes["sample"] = sample_mask(classes["sample"].reset_index(drop=True)).to_numpy() | \
        classes["scheme"].map(scheme_sample).fillna(False).astype(bool).to_numpy()
    # A commune listed twice for a scheme (e.g. by commune and by district) counts once.
    classes = classes.sort_values("points", ascending=False).drop_duplicates(["commune_code", "scheme"])
    classes["label"], classes["label_vi"] = _labels(classes, meta)
    return classes.reset_index(drop=True)


def max_raw(frames: Frames, weights: dict | None = None, schemes=None) -> float:
    """The denominator: Σ over groups of the largest weight among the schemes present."""
    weights = dict(weights if weights is not None else frames.setting("priority_weights") or {})
    present = [s for s in frames.schemes["scheme"].astype(str).unique() if not schemes or s in schemes]
    best: dict[str, float] = {}
    for scheme in present:
        group = EXCLUSIVE_GROUPS.get(scheme, scheme)
        best[group] = max(best.get(group, 0.0), weight_of(scheme, weights))
    return float(sum(best.values()))


def priority_index(frames: Frames, weights: dict | None = None, schemes=None) -> pd.DataFrame:
    """One row per commune: score 0–100, the classes behind it, and zone flags (see module doc).

    ``schemes`` restricts the score and classes, not the zones: a commune's
    zone is a fact of its classifications whatever the score is made of.
    """
    out = pd.DataFrame({"commune_code": frames.communes["code"].to_numpy()})
    rows = indicators(frames, weights, schemes)
    denominator = max_raw(frames, weights, schemes)
    em, coastal = zones(indicators(frames, weights) if schemes else rows)
    code = out["commune_code"]
    out["ethnic_minority"] = code.isin(em)
    out["coastal"] = code.isin(coastal)
    out.attrs["priority_max_raw"] = denominator
    if rows.empty:
        out = out.assign(priority_raw=0.0, priority_score=0.0, classes="", priority_sample=False, classes_vi="")
        return out[COLUMNS]
    raw = rows.groupby(["commune_code", "group"])["points"].max().groupby(level=0).sum()
    listed = rows[rows["indicator"] > 0].sort_values(["commune_code", "points", "label"],
                                                     ascending=[True, False, True])
    # Join labels per commune by summing strings (no per-commune Python call).
    labels = (listed["label"] + "; ").groupby(listed["commune_code"]).sum().str.removesuffix("; ")
    labels_vi = (listed["label_vi"] + "; ").groupby(listed["commune_code"]).sum().str.removesuffix("; ")
    sample = listed.groupby("commune_code")["sample"].any()
    out["priority_raw"] = code.map(raw).fillna(0.0).astype(float)
    score = 100.0 * out["priority_raw"] / denominator if denominator > 0 else 0.0 * out["priority_raw"]
    out["priority_score"] = score.round(2)
    out["classes"] = code.map(labels).fillna("").astype(str)
    out["priority_sample"] = code.map(sample).fillna(False).astype(bool)
    out["classes_vi"] = code.map(labels_vi).fillna("").astype(str)
    return out[COLUMNS]


def zones(rows: pd.DataFrame) -> tuple[set, set]:
    """(ethnic-minority zone, coastal zone) commune codes from :func:`indicators` rows."""
    if rows.empty:
        return set(), set()
    listed = rows[rows["indicator"] > 0]
    share = rows[rows["scheme"] == "ethnic_minority_share"].set_index("commune_code")["indicator"] * 100
    em = set(listed.loc[listed["scheme"].isin(ETHNIC_MINORITY_SCHEMES), "commune_code"])
    em |= set(share[share >= ETHNIC_MINORITY_SHARE_ZONE].index)
    return em, set(listed.loc[listed["scheme"].isin(COASTAL_SCHEMES), "commune_code"])


def flagged_communes(frames: Frames, schemes=None) -> dict[str, set]:
    """Per scheme, the communes it marks as priority (used for donor reach).

    Flags/categories: listed; counts: at least one; shares: at least 50 %
    (the ethnic-minority zone threshold).
    """
    rows = indicators(frames, schemes=schemes)
    value = pd.to_numeric(rows["value_num"], errors="coerce").fillna(0)
    marked = np.where(rows["kind"] == "share", value >= ETHNIC_MINORITY_SHARE_ZONE, rows["indicator"] > 0)
    rows = rows[marked]
    return {scheme: set(group["commune_code"]) for scheme, group in rows.groupby("scheme")}


def _labels(rows: pd.DataFrame, meta: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """English and Vietnamese words for each class row, vectorised (one format per distinct value)."""
    own = {scheme: str(label).removeprefix("SAMPLE – ").removeprefix("SAMPLE - ")
           for scheme, label in meta["label"].items()}
    words = {scheme: SHORT_LABELS.get(scheme, (own.get(scheme, scheme),) * 2) for scheme in rows["scheme"].unique()}
    english = rows["scheme"].map(lambda s: words[s][0]).astype(str)
    vietnamese = rows["scheme"].map(lambda s: words[s][1]).astype(str)
    value = pd.to_numeric(rows["value_num"], errors="coerce")
    number = value.map({v: f"{v:g}" for v in value.dropna().unique()}).fillna("").astype(str)
    text = rows["value"].where(rows["value"].notna(), "").astype(str)
    suffix = np.select([rows["kind"] == "count", rows["kind"] == "share", (rows["kind"] == "category") & (text != "")],
                       [": " + number, " " + number + "%", ": " + text], default="")
    sample = np.asarray(rows["sample"], dtype=bool)
    english = english + suffix + np.where(sample, " (sample)", "")
    vietnamese = vietnamese + suffix + np.where(sample, " (mẫu)", "")
    return english, vietnamese
