"""Vietnamese and English UI text.

The language comes from ``?lang=vi|en`` (remembered in a cookie), else the
cookie, else the browser's Accept-Language, else Vietnamese: the planners
who use geoaid most work in Vietnamese. Templates call ``t("key")``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, request

from geoaid.analysis.sectors import BY_KEY, SECTORS

LANGUAGES = ("vi", "en")
DEFAULT = "vi"

MESSAGES = {
    "app_title": {"vi": "geoaid – Bản đồ viện trợ", "en": "geoaid – Aid map"},
    "nav_map": {"vi": "Bản đồ", "en": "Map"},
    "nav_api": {"vi": "API", "en": "API"},
    "switch_language": {"vi": "English", "en": "Tiếng Việt"},
    "communes": {"vi": "Xã/phường", "en": "Communes"},
    "province": {"vi": "Tỉnh", "en": "Province"},
    "district": {"vi": "Huyện", "en": "District"},
    "area_km2": {"vi": "Diện tích (km²)", "en": "Area (km²)"},
    "all_provinces": {"vi": "Tất cả các tỉnh", "en": "All provinces"},
    "show": {"vi": "Hiển thị", "en": "Show"},
    "basemap_offline": {"vi": "Bản đồ nền ngoại tuyến – không tải được ô bản đồ. Lớp xã vẫn hiển thị.",
                        "en": "Basemap offline – tiles could not be loaded. The commune layers still work."},
    "loading": {"vi": "Đang tải dữ liệu…", "en": "Loading data…"},
    "load_failed": {"vi": "Không tải được dữ liệu bản đồ.", "en": "Could not load the map data."},
    "legend_communes": {"vi": "Xã theo tỉnh", "en": "Communes by province"},
    "legend_gap": {"vi": "Điểm thiếu hụt", "en": "Gap score"},
    "legend_priority": {"vi": "Điểm ưu tiên (0–100)", "en": "Priority score (0–100)"},
    "legend_coverage": {"vi": "Kinh phí phân bổ (USD)", "en": "Allocated funding (USD)"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "sample_notice": {"vi": "DỮ LIỆU MẪU – không phải số liệu chính thức",
                      "en": "SAMPLE DATA – not official figures"},
    "boundary_disclaimer": {
        "vi": "Ranh giới chỉ mang tính minh hoạ, không thể hiện quan điểm chính thức.",
        "en": "Boundaries are indicative and imply no official endorsement."},
    "error_title": {"vi": "Lỗi", "en": "Error"},
    "not_found": {"vi": "Không tìm thấy", "en": "Not found"},
    "bad_request": {"vi": "Yêu cầu không hợp lệ", "en": "Bad request"},
    "server_error": {"vi": "Lỗi máy chủ – đã ghi nhận, vui lòng thử lại.",
                     "en": "Server error – it has been logged; please try again."},
    "back_home": {"vi": "Về trang bản đồ", "en": "Back to the map"},
    "no_workspace": {"vi": "Chưa có không gian làm việc", "en": "No workspace yet"},
    "nav_donors": {"vi": "Nhà tài trợ", "en": "Donors"},
    "nav_planner": {"vi": "Lập kế hoạch", "en": "Planner"},
    "sector": {"vi": "Lĩnh vực", "en": "Sector"},
    "all_sectors": {"vi": "Mọi lĩnh vực", "en": "All sectors"},
    "donor": {"vi": "Nhà tài trợ", "en": "Donor"},
    "all_donors": {"vi": "Mọi nhà tài trợ", "en": "All donors"},
    "year": {"vi": "Năm", "en": "Year"},
    "zone": {"vi": "Vùng ưu tiên", "en": "Priority zone"},
    "all_zones": {"vi": "Mọi vùng", "en": "All zones"},
    "zone_ethnic_minority": {"vi": "Vùng dân tộc thiểu số", "en": "Ethnic-minority zone"},
    "zone_coastal": {"vi": "Vùng ven biển, hải đảo", "en": "Coastal and island zone"},
    "scheme": {"vi": "Tiêu chí ưu tiên", "en": "Priority scheme"},
    "all_schemes": {"vi": "Mọi tiêu chí", "en": "All schemes"},
    "view": {"vi": "Hiển thị theo", "en": "Colour by"},
    "view_gap": {"vi": "Thiếu hụt (ưu tiên chưa được hỗ trợ)", "en": "Gap (priority not yet covered)"},
    "view_priority": {"vi": "Mức độ ưu tiên", "en": "Priority"},
    "view_coverage": {"vi": "Kinh phí đã phân bổ (USD)", "en": "Allocated funding (USD)"},
    "apply": {"vi": "Áp dụng", "en": "Apply"},
    "download": {"vi": "Tải xuống", "en": "Download"},
    "map_image": {"vi": "Ảnh bản đồ in", "en": "Print map"},
    "priority_score": {"vi": "Điểm ưu tiên", "en": "Priority score"},
    "gap_score": {"vi": "Điểm thiếu hụt", "en": "Gap score"},
    "gap_rank": {"vi": "Thứ hạng", "en": "Rank"},
    "classes": {"vi": "Phân loại", "en": "Classes"},
    "projects": {"vi": "Dự án", "en": "Projects"},
    "project_count": {"vi": "Số dự án", "en": "Projects"},
    "donor_count": {"vi": "Số nhà tài trợ", "en": "Donors"},
    "funding_usd": {"vi": "Kinh phí (USD)", "en": "Funding (USD)"},
    "sectors_missing": {"vi": "Lĩnh vực còn thiếu", "en": "Sectors missing"},
    "commune": {"vi": "Xã", "en": "Commune"},
    "neighbours": {"vi": "Các xã lân cận", "en": "Neighbouring communes"},
    "zones_legend": {"vi": "Viền: vùng DTTS (tím, nét đứt), ven biển (xanh)",
                     "en": "Outline: ethnic-minority zone (purple dashed), coastal (blue)"},
    "project_locations": {"vi": "Địa điểm dự án", "en": "Project locations"},
    "totals": {"vi": "Tổng cộng", "en": "Totals"},
    "share_priority": {"vi": "Tỷ lệ kinh phí vào xã ưu tiên (%)", "en": "Share of funding in priority communes (%)"},
    "province_average": {"vi": "Trung bình tỉnh", "en": "Province average"},
    "this_donor": {"vi": "Nhà tài trợ này", "en": "This donor"},
    "candidates": {"vi": "Xã đề xuất ưu tiên", "en": "Candidate communes"},
    "none": {"vi": "Không có", "en": "None"},
    "title": {"vi": "Tên dự án", "en": "Title"},
    "period": {"vi": "Thời gian", "en": "Period"},
    "amount_vnd": {"vi": "Số tiền (VND)", "en": "Amount (VND)"},
    "scope": {"vi": "Phạm vi", "en": "Scope"},
    "scope_commune": {"vi": "Tại xã", "en": "This commune"},
    "scope_area": {"vi": "Toàn huyện/tỉnh (chia theo diện tích/dân số)", "en": "District/province-wide (share)"},
    "boundary_version": {"vi": "Bản đồ hành chính", "en": "Boundaries"},
    "version_2019": {"vi": "Trước 1/7/2025 (có cấp huyện)", "en": "Before 1 July 2025 (with districts)"},
    "version_2025": {"vi": "Từ 1/7/2025 (34 tỉnh)", "en": "From 1 July 2025 (34 provinces)"},
    "formed_from": {"vi": "Hình thành từ các xã cũ", "en": "Formed from these legacy communes"},
    "became": {"vi": "Nay thuộc xã mới", "en": "Now part of these 2025 communes"},
    "divided": {"vi": "xã cũ bị chia", "en": "old commune divided"},
    "date_from": {"vi": "Từ ngày", "en": "From"},
    "showing": {"vi": "Đang xem", "en": "Showing"},
    "api_intro": {"vi": "Dữ liệu JSON/GeoJSON cho bản đồ và các ứng dụng khác. Mọi tham số lọc giống trang bản đồ; "
                        "lỗi trả về {\"error\": thông báo} với mã 400 hoặc 404.",
                  "en": "JSON/GeoJSON data for the maps and for other tools. Filter parameters are those of the map "
                        "page; errors answer {\"error\": message} with status 400 or 404."},
    "api_path": {"vi": "Đường dẫn", "en": "Path"},
    "api_summary": {"vi": "Nội dung", "en": "Summary"},
    "api_parameters": {"vi": "Tham số", "en": "Parameters"},
    "api_example": {"vi": "Ví dụ", "en": "Example"},
    "date_to": {"vi": "Đến ngày", "en": "To"},
    "period_hint": {"vi": "Chọn năm, hoặc khoảng thời gian", "en": "A year, or a from–to period"},
    "did_you_mean": {"vi": "Có phải bạn muốn tìm", "en": "Did you mean"},
    "all_donors_list": {"vi": "Danh sách nhà tài trợ", "en": "List of donors"},
    "zones_heading": {"vi": "Vùng ưu tiên (viền)", "en": "Priority zones (outline)"},
    "popup_loading": {"vi": "Đang tải…", "en": "Loading…"},
    "open_commune": {"vi": "Mở trang xã", "en": "Open the commune page"},
    # -- accounts and data management (web/auth.py, web/manage.py) --
    "nav_manage": {"vi": "Quản lý dữ liệu", "en": "Manage data"},
    "sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "user_name": {"vi": "Tên đăng nhập", "en": "User name"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "login_intro": {"vi": "Chỉ cán bộ lập kế hoạch và quản trị viên cần đăng nhập; bản đồ và dữ liệu xem công khai.",
                    "en": "Only planners and admins sign in; maps and data are public to view."},
    "login_failed": {"vi": "Sai tên đăng nhập hoặc mật khẩu.", "en": "Wrong user name or password."},
    "sign_in_required": {"vi": "Cần đăng nhập để thay đổi dữ liệu.", "en": "Sign in to change data."},
    "forbidden_role": {"vi": "Chỉ tài khoản {role} được làm việc này.", "en": "Only a {role} account may do this."},
    "role_planner": {"vi": "cán bộ lập kế hoạch", "en": "planner"},
    "role_admin": {"vi": "quản trị viên", "en": "admin"},
    "csrf_refused": {"vi": "Biểu mẫu đã hết hạn hoặc không gửi từ geoaid. Hãy tải lại trang và thử lại.",
                     "en": "The form expired or was not sent from geoaid. Reload the page and try again."},
    "too_many_attempts": {"vi": "Quá nhiều lần đăng nhập. Hãy đợi một phút rồi thử lại.",
                          "en": "Too many sign-in attempts. Wait a minute and try again."},
    "upload_too_large": {"vi": "Tệp lớn hơn giới hạn tải lên ({mb} MB).",
                         "en": "The file is larger than the upload limit ({mb} MB)."},
    "print_busy": {"vi": "Máy chủ đang vẽ các bản đồ khác. Hãy thử lại sau {seconds} giây.",
                   "en": "The server is drawing other maps. Try again in {seconds} s."},
    "import_heading": {"vi": "Nhập dữ liệu", "en": "Import data"},
    "import_intro": {"vi": "Tải tệp lên để xem trước báo cáo kiểm tra từng dòng. Chưa có gì được ghi cho đến khi bạn xác nhận.",
                     "en": "Upload a file to preview the row-by-row check. Nothing is written until you confirm."},
    "kind_projects": {"vi": "Dự án viện trợ", "en": "Aid projects"},
    "kind_classifications": {"vi": "Danh sách phân loại địa bàn", "en": "Area classification list"},
    "kind_boundaries": {"vi": "Ranh giới xã", "en": "Commune boundaries"},
    "file": {"vi": "Tệp", "en": "File"},
    "encoding": {"vi": "Mã hoá CSV", "en": "CSV encoding"},
    "encoding_cp1258": {"vi": "Windows-1258 (CSV của Excel tiếng Việt)", "en": "Windows-1258 (Vietnamese Excel CSV)"},
    "mark_sample": {"vi": "Đánh dấu là DỮ LIỆU MẪU (không chính thức)", "en": "Mark as SAMPLE (not official) data"},
    "legal_source": {"vi": "Căn cứ pháp lý", "en": "Legal source"},
    "label": {"vi": "Tên hiển thị", "en": "Label"},
    "codes_mode": {"vi": "Mã xã", "en": "Commune codes"},
    "merge_provinces": {"vi": "Chỉ thay các tỉnh có trong tệp", "en": "Replace only the provinces in the file"},
    "preview": {"vi": "Xem trước", "en": "Preview"},
    "preview_heading": {"vi": "Xem trước: chưa ghi gì", "en": "Preview: nothing written yet"},
    "rows_valid": {"vi": "{valid} trên {total} dòng hợp lệ", "en": "{valid} of {total} rows valid"},
    "row": {"vi": "Dòng", "en": "Row"},
    "column": {"vi": "Cột", "en": "Column"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "severity": {"vi": "Mức", "en": "Severity"},
    "no_problems": {"vi": "Không có lỗi.", "en": "No problems found."},
    "keep_valid": {"vi": "Chỉ nhập các dòng hợp lệ, bỏ qua các dòng lỗi", "en": "Import the valid rows, skip the rows with errors"},
    "confirm_import": {"vi": "Xác nhận nhập", "en": "Confirm import"},
    "discard": {"vi": "Huỷ", "en": "Discard"},
    "import_done": {"vi": "Đã nhập xong", "en": "Imported"},
    "import_refused": {"vi": "Không nhập: không có gì thay đổi", "en": "Refused: nothing was changed"},
    "upload_gone": {"vi": "Tệp tải lên không còn chờ xác nhận (đã nhập, đã huỷ hoặc hết hạn). Hãy tải lên lại.",
                    "en": "This upload is no longer waiting (imported, discarded or expired). Upload it again."},
    "no_file": {"vi": "Chưa chọn tệp.", "en": "No file chosen."},
    "choose_scheme": {"vi": "Chọn một tiêu chí phân loại.", "en": "Choose a classification scheme."},
    "bad_option": {"vi": "Lựa chọn không hợp lệ.", "en": "Invalid option."},
    "settings_heading": {"vi": "Thiết lập", "en": "Settings"},
    "settings_json": {"vi": "Giá trị phải viết dạng JSON, ví dụ {\"VND\": 1, \"USD\": 25400}.",
                      "en": "Write the value as JSON, e.g. {\"VND\": 1, \"USD\": 25400}."},
    "save": {"vi": "Lưu", "en": "Save"},
    "busy_checking": {"vi": "Đang tải lên và kiểm tra từng dòng… tệp lớn có thể mất đến một phút.",
                      "en": "Uploading and checking every row… a large file can take up to a minute."},
    "busy_importing": {"vi": "Đang nhập… không đóng trang này.", "en": "Importing… keep this page open."},
    "problem_counts": {"vi": "{errors} lỗi, {warnings} cảnh báo", "en": "{errors} error(s), {warnings} warning(s)"},
    "severity_error": {"vi": "lỗi", "en": "error"},
    "severity_warning": {"vi": "cảnh báo", "en": "warning"},
    "crs_optional": {"vi": "Hệ toạ độ nếu tệp không có .prj (EPSG:3405, VN2000-TM3:105.5, VN2000-TM3:province=96)",
                     "en": "CRS if the file has no .prj (EPSG:3405, VN2000-TM3:105.5, VN2000-TM3:province=96)"},
    "crs_forms": {"vi": "Hệ toạ độ: chỉ nhận mã EPSG (ví dụ EPSG:3405) hoặc VN2000-TM3:kinh tuyến / VN2000-TM3:province=mã tỉnh.",
                  "en": "CRS: give an EPSG code (e.g. EPSG:3405) or VN2000-TM3:meridian / VN2000-TM3:province=code."},
    "fields_optional": {"vi": "Tên trường trong tệp (để trống để tự nhận)", "en": "Field names in the file (empty: recognised)"},
    "field_code": {"vi": "mã xã", "en": "commune code"},
    "field_name": {"vi": "tên xã", "en": "commune name"},
    "field_district": {"vi": "huyện", "en": "district"},
    "field_province": {"vi": "tỉnh", "en": "province"},
    "not_a_number": {"vi": "“{value}” không phải là số", "en": "“{value}” is not a number"},
    "settings_intro": {"vi": "Các giá trị này là quy ước lập kế hoạch, không phải số liệu chính thức; mọi bản đồ và tệp xuất ghi rõ giá trị đã dùng. Mỗi thay đổi được ghi vào nhật ký.",
                       "en": "These are planning conventions, not official figures; maps and exports state the values used. Every change is logged."},
    "exchange_rates": {"vi": "Tỷ giá quy đổi (VND cho 1 đơn vị)", "en": "Exchange rates (VND per unit)"},
    "add_currency": {"vi": "Thêm loại tiền (mã 3 chữ, ví dụ JPY)", "en": "Add a currency (3-letter code, e.g. JPY)"},
    "remove_currency_hint": {"vi": "Để trống một tỷ giá để bỏ loại tiền đó.", "en": "Empty a rate to remove that currency."},
    "priority_weights": {"vi": "Trọng số chỉ số ưu tiên", "en": "Priority index weights"},
    "area_allocation_rule": {"vi": "Phân bổ dự án toàn huyện/tỉnh", "en": "Spreading district/province-wide projects"},
    "rule_even": {"vi": "Chia đều cho các xã", "en": "Evenly over the communes"},
    "rule_area": {"vi": "Theo diện tích xã", "en": "By commune area"},
    "gap_reference_vnd": {"vi": "Mức kinh phí làm giảm một nửa điểm thiếu hụt (VND)", "en": "Funding that halves a commune's gap (VND)"},
    "gap_area_weight": {"vi": "Trọng số kinh phí toàn huyện/tỉnh trong điểm thiếu hụt (0–1)", "en": "Weight of area-wide funding in the gap (0–1)"},
    "reform_class_rule": {"vi": "Phân loại xã mới 2025 từ xã cũ", "en": "Classes of a 2025 commune from its legacy communes"},
    "rule_any": {"vi": "Nếu bất kỳ xã cũ nào thuộc loại đó", "en": "If any legacy commune had the class"},
    "rule_majority_area": {"vi": "Nếu phần lớn diện tích thuộc loại đó", "en": "If most of its area had the class"},
    "audit_heading": {"vi": "Nhật ký thay đổi", "en": "Audit log"},
    "when": {"vi": "Thời điểm", "en": "When"},
    "who": {"vi": "Người thực hiện", "en": "Who"},
    "action": {"vi": "Thao tác", "en": "Action"},
    "details": {"vi": "Chi tiết", "en": "Details"},
    "users_heading": {"vi": "Tài khoản", "en": "Accounts"},
    "role": {"vi": "Vai trò", "en": "Role"},
    "created": {"vi": "Ngày tạo", "en": "Created"},
    "add_user": {"vi": "Thêm tài khoản", "en": "Add an account"},
    "change_role": {"vi": "Đổi vai trò", "en": "Change role"},
    "new_password": {"vi": "Đặt mật khẩu mới", "en": "Set a new password"},
    "remove": {"vi": "Xoá", "en": "Remove"},
    "cannot_remove_self": {"vi": "Không thể tự xoá tài khoản của mình.", "en": "You cannot remove your own account."},

}


def current_language() -> str:
    return getattr(g, "lang", DEFAULT)


def t(key: str) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(current_language(), entry[DEFAULT])


def _choose_language() -> None:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.lang, g.remember_lang = asked, True
        return
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        g.lang = cookie
        return
    best = request.accept_languages.best_match(LANGUAGES)
    g.lang = best or DEFAULT


def _remember(response):
    # API responses are public and cached: they never set cookies (?lang= there only words legends).
    if getattr(g, "remember_lang", False) and not request.path.startswith("/api/"):
        response.set_cookie("lang", g.lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def lang_switch_url() -> str:
    """The current page in the other language: same path, every query value kept, encoded.

    The query string is encoded here rather than passed to ``url_for`` as
    keywords: a query argument is then never taken for a path variable or for
    one of url_for's own options (``_external``, ``_scheme``, ``_anchor``).
    """
    from flask import url_for

    other = "en" if current_language() == "vi" else "vi"
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)])
    if request.endpoint is None:
        return f"?{query}"       # relative: the same path (e.g. a 404 page), in the other language
    return f"{url_for(request.endpoint, **(request.view_args or {}))}?{query}"


MAP_LABELS = {"province": "province", "district": "district", "area": "area_km2", "failed": "load_failed",
              "communes": "communes", "priority": "priority_score", "gap": "gap_score", "rank": "gap_rank",
              "classes": "classes", "projects": "projects", "funding": "funding_usd",
              "missing": "sectors_missing", "zoneEM": "zone_ethnic_minority", "zoneCoastal": "zone_coastal",
              "projectLocations": "project_locations", "donor": "donor", "sector": "sector",
              "zonesHeading": "zones_heading", "loadingPopup": "popup_loading", "openCommune": "open_commune"}


def map_labels() -> dict:
    """The texts geoaid-map.js shows, in the current language (sector keys → labels too)."""
    labels = {name: t(key) for name, key in MAP_LABELS.items()}
    labels["sectors"] = {s.key: s.label(current_language()) for s in SECTORS}
    return labels


def sector_label(key) -> str:
    """A sector key ("health") as its label in the current language; other text unchanged."""
    sector = BY_KEY.get(key) if isinstance(key, str) else None
    return sector.label(current_language()) if sector else ("" if key is None else str(key))


def sector_labels(keys) -> str:
    """A comma-separated list of sector keys ("education, health") as labels."""
    if not isinstance(keys, str) or not keys.strip():
        return ""
    return "; ".join(sector_label(k.strip()) for k in keys.split(",") if k.strip())


def register(app) -> None:
    app.before_request(_choose_language)
    app.after_request(_remember)
    app.jinja_env.globals.update(t=t, current_language=current_language, LANGUAGES=LANGUAGES,
                                 lang_switch_url=lang_switch_url, map_labels=map_labels)
    app.jinja_env.filters.update(sector_label=sector_label, sector_labels=sector_labels)
