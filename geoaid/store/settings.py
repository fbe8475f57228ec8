"""Documented defaults for user-editable workspace settings.

Each value can be changed per workspace (`geoaid settings set KEY VALUE`);
what a workspace holds overrides these. They are planning conventions, not
official figures, and outputs that depend on them print the value used.
:func:`change_setting` is the one way a setting changes (CLI and web), with its audit row.
"""

from __future__ import annotations

DEFAULTS = {
    # Conversion rates to VND. A round planning figure, NOT an official rate:
    # set the rate your plan uses (e.g. the State Bank central rate of the day).
    "exchange_rates_vnd": {"VND": 1, "USD": 25000, "EUR": 27000},
    # How a district- or province-wide project's budget is spread over the
    # communes of that area: "even" (same share each), "area" (by km²) or "population" (by census 2019).
    "area_allocation_rule": "even",
    # Weights of the priority index (see geoaid/priority.py for the formula).
    "priority_weights": {
        "region_iii": 3.0,
        "dbkk_coastal": 3.0,
        "dbkk": 2.5,
        "poor_district": 2.0,
        "region_ii": 1.0,
        "p135_hamlets": 1.0,
        "ethnic_minority_share": 2.0,
    },
    # Gap index (geoaid/analysis/gap_formula.py): gap = priority × R / (R + F), with
    # F = commune-targeted VND + gap_area_weight × district/province-wide VND.
    # R is the funding at which a commune's gap is halved (a planning
    # convention, about one small commune project), not an official figure.
    "gap_reference_vnd": 1_000_000_000,
    "gap_area_weight": 0.5,
    # "total": the gap uses funding in VND; "per_person": funding per inhabitant,
    # gap = priority × Rp / (Rp + F / population) with Rp = gap_reference_vnd_per_person
    # (R spread over a commune of 10,000 people; a convention, not an official figure).
    "gap_funding_basis": "total",
    "gap_reference_vnd_per_person": 100_000,
    # Rule for carrying a classification from legacy communes to a 2025 commune.
    "reform_class_rule": "any",
    # Where planners open the web app: print maps link (URL and QR code) back to their view there.
    "web_base_url": "http://127.0.0.1:5000",
}


def validate(key: str, value):
    """Check a new setting value; return it (normalised) or raise ValueError."""
    if key not in DEFAULTS:
        raise ValueError(f"unknown setting {key!r}; settings are {', '.join(sorted(DEFAULTS))}")
    if key == "exchange_rates_vnd":
        if not isinstance(value, dict) or value.get("VND") != 1:
            raise ValueError("exchange_rates_vnd is an object of currency: VND per unit, with VND: 1")
        for code, rate in value.items():
            if not (isinstance(code, str) and code.isalpha() and len(code) == 3 and code.isupper()):
                raise ValueError(f"currency code {code!r}: use three capital letters (USD)")
            if not isinstance(rate, (int, float)) or rate <= 0:
                raise ValueError(f"rate for {code} must be a positive number")
    elif key == "priority_weights":
        if not isinstance(value, dict) or not all(
                isinstance(w, (int, float)) and w >= 0 for w in value.values()):
            raise ValueError("priority_weights maps scheme keys to non-negative numbers")
    elif key == "area_allocation_rule" and value not in ("even", "area", "population"):
        raise ValueError("area_allocation_rule is 'even', 'area' or 'population'")
    elif key == "gap_reference_vnd" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                         or value <= 0):
        raise ValueError("gap_reference_vnd is a positive amount of VND")
    elif key == "gap_area_weight" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                       or not 0 <= value <= 1):
        raise ValueError("gap_area_weight is a number from 0 to 1")
    elif key == "gap_funding_basis" and value not in ("total", "per_person"):
        raise ValueError("gap_funding_basis is 'total' or 'per_person'")
    elif key == "gap_reference_vnd_per_person" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                                    or value <= 0):
        raise ValueError("gap_reference_vnd_per_person is a positive amount of VND per person")
    elif key == "reform_class_rule" and value not in ("any", "majority_area"):
        raise ValueError("reform_class_rule is 'any' or 'majority_area'")
    elif key == "web_base_url" and not (isinstance(value, str) and value.startswith(("http://", "https://"))
                                        and " " not in value):
        raise ValueError("web_base_url is the web app's address, e.g. https://geoaid.example.gov.vn")
    return value


def change_setting(workspace, user: str, key: str, value):
    """Validate ``value``, store it and add its audit row, in one transaction; return the stored value.

    ``workspace`` is a geoaid.store.workspace.Workspace (not imported here, not even for type
    checking: that module reads DEFAULTS from this one, and the import graph stays acyclic).

    ``user`` is the account name, or ``"cli"`` for the command line. Raises
    ValueError for an unknown key or a bad value (nothing is written).

    >>> change_setting(workspace, "thu", "area_allocation_rule", "area")  # doctest: +SKIP
    'area'
    """
    value = validate(key, value)
    with workspace.transaction() as tx:
        tx.set_settings(**{key: value})
        tx.audit(user, "settings set", None, {key: value})
    return value
