"""Batch atlas: page counts, one unit per page, the same class breaks on every page."""

from __future__ import annotations

import io
import unicodedata

import pytest
from PIL import Image
from pypdf import PdfReader

from geoaid.analysis.filters import Filters
from geoaid.cli import main
from geoaid.output.atlas import atlas_pages, slugify, write_atlas
from geoaid.output.print_data import prepare
from geoaid.output.print_elements import short_name


def pages_text(path) -> list[str]:
    reader = PdfReader(path)
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def test_pdf_atlas_by_province_has_an_overview_and_one_page_per_province(frames, tmp_path):
    out = tmp_path / "atlas.pdf"
    assert write_atlas(frames, out, view="priority", by="province", dpi=60) == [out]
    reader = PdfReader(out)
    provinces = frames.communes.drop_duplicates("province_code").sort_values("province_code")
    assert len(reader.pages) == 1 + len(provinces) == 5
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)     # A4 landscape in mm
    texts = pages_text(out)
    assert "Priority communes for aid" in texts[0] and "Priority communes for aid –" not in texts[0]
    for text, name in zip(texts[1:], provinces["province_name"]):
        assert f"Priority communes for aid – {short_name(name)}" in text
        assert f"{name}; All projects, all sectors" in text
    # One classification for the whole atlas: every page prints the same class breaks.
    data = prepare(frames, "priority", Filters())
    for entry in data.classes.legend(" pts", decimals=1):
        assert all(entry["label"] in text for text in texts)
    assert all("same breaks on every page" in text.replace("\n", " ") for text in texts)
    assert reader.metadata.title == "Priority communes for aid"


def test_folder_atlas_by_district_writes_one_image_per_district(frames, tmp_path):
    written = write_atlas(frames, tmp_path / "maps", view="gaps", by="district",
                          filters=Filters(provinces=("95",)), dpi=50, orientation="portrait")
    districts = frames.communes.loc[frames.communes["province_code"] == "95"].drop_duplicates("district_code")
    assert len(written) == len(districts) + 1
    assert written[0].name == "geoaid-gap-00-overview.png"
    names = {p.name for p in written}
    for row in districts.itertuples():
        assert f"geoaid-gap-{row.district_code}-{slugify(short_name(row.district_name))}.png" in names
    for path in written:
        image = Image.open(path)
        assert image.size == (int(210 / 25.4 * 50), int(297 / 25.4 * 50))


def test_district_pages_name_district_and_province(frames, tmp_path):
    out = tmp_path / "districts.pdf"
    write_atlas(frames, out, view="coverage", by="district", filters=Filters(provinces=("95",), year=2024),
                dpi=50, overview=False, lang="vi")
    texts = pages_text(out)
    districts = frames.communes.loc[frames.communes["province_code"] == "95"].drop_duplicates("district_code")
    assert len(texts) == len(districts)
    first = districts.sort_values("district_code").iloc[0]
    assert f"Kinh phí viện trợ theo xã – {short_name(first['district_name'])}" in texts[0]
    assert f"{first['district_name']}, Tỉnh Bạc Liêu; Năm 2024" in texts[0]


def test_pages_and_errors(frames, tmp_path):
    data = prepare(frames, "gaps", Filters(provinces=("96", "95")))
    pages = atlas_pages(data.communes, "province")
    assert [p.slug for p in pages] == ["00-overview", "95-bac-lieu", "96-ca-mau"]
    assert pages[0].mask is None and pages[1].mask.sum() == (data.communes["province_code"] == "95").sum()
    assert len(atlas_pages(data.communes, "province", overview=False)) == 2
    with pytest.raises(ValueError, match="by province or by district"):
        atlas_pages(data.communes, "commune")
    with pytest.raises(ValueError, match=".pdf file or a folder"):
        write_atlas(frames, tmp_path / "atlas.png", dpi=50)
    assert slugify("Thành phố Cà Mau") == "thanh-pho-ca-mau"


def test_cli_atlas(demo_workspace_path, tmp_path, capsys):
    out = tmp_path / "atlas.pdf"
    code = main(["atlas", "--workspace", str(demo_workspace_path), "--view", "gaps", "--province", "95",
                 "--province", "96", "--dpi", "50", "--paper", "A3", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0 and "(3 pages)" in captured.out
    assert "Atlas" in captured.err                    # tqdm progress on stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (420, 297)
    assert io.BytesIO(out.read_bytes()).getvalue().startswith(b"%PDF")
