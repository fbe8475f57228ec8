"""Priority index: hand-computed scores, the classes behind them, zones, weights and schemes.

The case (tests/analysis_case.py) has 7 schemes; with the default weights the
denominator is regions max(3, 1) + ĐBKK max(2.5, 3) + poor district 2 + P135 1
+ ethnic-minority share 2 = 11.
"""

from dataclasses import replace

import pandas as pd
import pytest

from geoaid.analysis.priority import priority_index


@pytest.fixture(scope="module")
def scores(analysis_frames):
    return priority_index(analysis_frames).set_index("commune_code")


def test_scores_by_hand(scores):
    assert scores.attrs["priority_max_raw"] == 11
    expected = {
        "32248": (10.1, 91.82),   # 3 (region III) + 3 (ĐBKK coastal beats ĐBKK 2.5) + 2 + 1 (6 hamlets) + 2·0.55
        "32242": (5.9, 53.64),    # 1 (region II) + 2.5 (ĐBKK) + 2 (poor district) + 1·2/5
        "32239": (5.0, 45.45),    # 3 (ĐBKK coastal) + 2
        "32236": (2.4, 21.82),    # 2 + 2·0.20
        "32233": (2.0, 18.18), "32244": (2.0, 18.18), "32245": (2.0, 18.18),  # poor district only
        "32194": (1.6, 14.55),    # 2·0.80 (Năm Căn is not a poor district here)
    }
    for code, (raw, score) in expected.items():
        assert scores.at[code, "priority_raw"] == pytest.approx(raw), code
        assert scores.at[code, "priority_score"] == score, code
    others = scores.drop(index=list(expected))
    assert len(others) == 92 and (others["priority_score"] == 0).all() and (others["classes"] == "").all()


def test_classes_explain_the_score_most_weight_first(scores):
    assert scores.at["32248", "classes"] == ("Region III; ĐBKK coastal/island; ĐBKK; Poor district; "
                                             "Ethnic minority 55% (sample); P135 hamlets: 6")
    assert scores.at["32242", "classes"] == "ĐBKK; Poor district; Region II; P135 hamlets: 2"
    assert scores.at["32236", "classes_vi"] == "Huyện nghèo; DTTS 20% (mẫu)"
    # Sample lists make the commune's priority sample; official-only communes are not.
    assert scores.at["32248", "priority_sample"] and not scores.at["32242", "priority_sample"]


def test_zones_come_from_classifications(scores):
    # Ethnic-minority zone: region I/II/III, or ≥ 50 % ethnic minority (Hàm Rồng, 80 %).
    assert sorted(scores.index[scores["ethnic_minority"]]) == ["32194", "32242", "32248"]
    # 20 % is not enough.
    assert not scores.at["32236", "ethnic_minority"]
    # Coastal zone: the ĐBKK coastal and island list, not the coastline.
    assert sorted(scores.index[scores["coastal"]]) == ["32239", "32248"]


def test_custom_weights(analysis_frames):
    only_region = {"region_iii": 1, "region_ii": 0, "dbkk": 0, "dbkk_coastal": 0, "poor_district": 0,
                   "p135_hamlets": 0, "ethnic_minority_share": 0}
    p = priority_index(analysis_frames, weights=only_region).set_index("commune_code")
    assert p.at["32248", "priority_score"] == 100.0 and p.at["32242", "priority_score"] == 0
    # The setting is read when no weights are passed.
    p = priority_index(analysis_frames.with_settings(priority_weights=only_region)).set_index("commune_code")
    assert p.at["32248", "priority_score"] == 100.0
    # A scheme missing from the weights gets the fallback weight 1: denominator 1+1+1+1+1 = 5.
    p = priority_index(analysis_frames, weights={}).set_index("commune_code")
    assert p.at["32239", "priority_score"] == 40.0   # (1 coastal + 1 poor district) / 5


def test_restrict_to_schemes(analysis_frames):
    p = priority_index(analysis_frames, schemes=("poor_district", "dbkk_coastal")).set_index("commune_code")
    # Denominator 2 + 3 = 5.
    assert p.at["32239", "priority_score"] == 100.0
    assert p.at["32248", "priority_score"] == 100.0
    assert p.at["32242", "priority_score"] == 40.0
    assert p.at["32242", "classes"] == "Poor district"
    assert p.at["32194", "priority_score"] == 0.0
    with pytest.raises(ValueError, match="unknown scheme 'region_iv'"):
        priority_index(analysis_frames, schemes=("region_iv",))


def test_workspace_without_schemes_scores_zero(analysis_frames):
    frames = replace(analysis_frames, schemes=analysis_frames.schemes.iloc[0:0],
                     classifications=analysis_frames.classifications.iloc[0:0])
    p = priority_index(frames)
    assert len(p) == 100 and (p["priority_score"] == 0).all() and not p["ethnic_minority"].any()


def test_category_scheme_and_listed_zero(analysis_frames):
    schemes = pd.concat([analysis_frames.schemes, pd.DataFrame([{
        "scheme": "border", "label": "Border communes", "legal_source": "test", "period_start": 2021,
        "period_end": 2025, "level": "commune", "kind": "category", "sample": 0, "source_file": "t"}])])
    classes = pd.concat([analysis_frames.classifications, pd.DataFrame([
        {"scheme": "border", "unit_code": "31999", "level": "commune", "value": "land border", "value_num": None,
         "sample": 0},
        {"scheme": "region_iii", "unit_code": "32002", "level": "commune", "value": "0", "value_num": 0.0,
         "sample": 0}])])
    p = priority_index(replace(analysis_frames, schemes=schemes, classifications=classes)).set_index("commune_code")
    # Denominator 11 + 1 (border, fallback weight): 1/12.
    assert p.at["31999", "priority_score"] == 8.33 and p.at["31999", "classes"] == "Border communes: land border"
    # A row with value 0 means "not listed".
    assert p.at["32002", "priority_score"] == 0 and p.at["32002", "classes"] == ""


def test_zones_do_not_depend_on_the_scheme_restriction(analysis_frames):
    p = priority_index(analysis_frames, schemes=("poor_district",)).set_index("commune_code")
    assert sorted(p.index[p["ethnic_minority"]]) == ["32194", "32242", "32248"]
    assert sorted(p.index[p["coastal"]]) == ["32239", "32248"]
    assert p.at["32194", "priority_score"] == 0 and p.at["32248", "classes"] == "Poor district"
