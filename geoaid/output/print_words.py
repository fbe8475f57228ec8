"""The words printed on every map sheet besides the view's own (geoaid.analysis.views): zones, notes,
sources, disclaimer, in each language a print map can be drawn in."""

WORDS = {
    "en": {"sample": "SAMPLE DATA – NOT OFFICIAL", "watermark": "SAMPLE DATA",
           "em": "Ethnic-minority zone", "coastal": "Coastal and island zone",
           "context": "Outside the selection", "province": "Province boundary",
           "district": "District boundary",
           "classes": "Classes: quantiles of the {n} communes with a value above zero in {scope}.",
           "scope_all": "the map", "scope_atlas": "the whole atlas (same breaks on every page)",
           "zones": "Zones follow the classifications, not geometry.",
           "sample_note": "SAMPLE: classifications and/or projects are sample data, not official.",
           "boundaries": "Boundaries: {geometry}; boundary version {version}",
           "codes": "Codes: {codes}",
           "classifications": "Classifications: {items}", "projects": "Projects: {items}",
           "generated": "Generated {day} with geoaid {version}; Albers equal-area projection on WGS84.",
           "disclaimer": "Boundaries are indicative and do not imply official endorsement or acceptance "
                         "of any boundary by geoaid or the data providers.",
           "sample_line": "SAMPLE DATA: {detail}"},
    "vi": {"sample": "DỮ LIỆU MẪU – KHÔNG CHÍNH THỨC", "watermark": "DỮ LIỆU MẪU",
           "em": "Vùng dân tộc thiểu số", "coastal": "Vùng ven biển và hải đảo",
           "context": "Ngoài phạm vi chọn", "province": "Ranh giới tỉnh", "district": "Ranh giới huyện",
           "classes": "Phân lớp: phân vị của {n} xã có giá trị lớn hơn 0 trong {scope}.",
           "scope_all": "bản đồ", "scope_atlas": "toàn bộ tập bản đồ (cùng ngưỡng ở mọi trang)",
           "zones": "Vùng theo danh sách phân loại, không theo hình học.",
           "sample_note": "MẪU: phân loại và/hoặc dự án là dữ liệu mẫu, không chính thức.",
           "boundaries": "Ranh giới: {geometry}; phiên bản ranh giới {version}",
           "codes": "Mã đơn vị: {codes}",
           "classifications": "Phân loại: {items}", "projects": "Dự án: {items}",
           "generated": "Tạo ngày {day} bằng geoaid {version}; phép chiếu Albers đồng diện tích, WGS84.",
           "disclaimer": "Ranh giới chỉ mang tính minh họa, không thể hiện sự công nhận chính thức "
                         "của geoaid hay các nhà cung cấp dữ liệu đối với bất kỳ đường ranh giới nào.",
           "sample_line": "DỮ LIỆU MẪU: {detail}"},
}
LANGS = tuple(WORDS)
