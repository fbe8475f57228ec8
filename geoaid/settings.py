"""Documented defaults for user-editable workspace settings.

Each value can be changed per workspace (`geoaid settings set KEY VALUE`);
what a workspace holds overrides these. They are planning conventions, not
official figures, and outputs that depend on them print the value used.
"""

DEFAULTS = {
    # Conversion rates to VND. A round planning figure, NOT an official rate:
    # set the rate your plan uses (e.g. the State Bank central rate of the day).
    "exchange_rates_vnd": {"VND": 1, "USD": 25000, "EUR": 27000},
    # How a district- or province-wide project's budget is spread over the
    # communes of that area: "even" (same share each) or "area" (by km²).
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
    # Rule for carrying a classification from legacy communes to a 2025 commune.
    "reform_class_rule": "any",
}
