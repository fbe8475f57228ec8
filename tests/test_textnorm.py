"""Vietnamese name keys: the one definition of "the same name" in geoaid."""

import unicodedata

import pytest

from geoaid.text.names import fold, name_key, nfc, same_name, split_unit_type, variant_key


@pytest.mark.parametrize("a, b", [
    ("Xã Sà Phìn", unicodedata.normalize("NFD", "Xã Sà Phìn")),   # NFC vs NFD
    ("Xã Sà Phìn", "Sa Phin"),                                       # no diacritics, no type
    ("Phường 2", "Phường 02"),                                       # zero padding
    ("Hoà Bình", "Hòa Bình"),                                        # old vs new tone placement
    ("Thị trấn Yên Minh", "TT Yên Minh".replace("TT ", "")),
    ("Thành phố Cà Mau", "TP. Cà Mau"),
    ("Tỉnh Hà Giang", "Ha Giang"),
])
def test_same_name(a, b):
    assert same_name(a, b)


@pytest.mark.parametrize("a, b", [
    ("Phường 2", "Phường 4"),
    ("Tân Thành (Phường)", "Tân Thành (Xã)"),
    ("Xã 2", "Phường 2"),
])
def test_different_names_stay_different(a, b):
    assert not same_name(a, b)


def test_a_name_that_begins_like_a_type_word_keeps_it():
    # "Quản Bạ" is a district name, not "Quận" + "Bạ"; "Phương Độ" is not "Phường".
    assert name_key("Quản Bạ") == "quanba"
    assert name_key("Phương Độ") == "phuongdo"
    assert name_key("Quận Ba Đình") == "badinh"


def test_split_unit_type_reads_bracketed_type():
    assert split_unit_type("Tân Thành (Phường)")[0] == "phuong"
    assert split_unit_type("Xã Tân Thành")[0] == "xa"


def test_variant_key_folds_regional_spellings_only_there():
    assert name_key("Xà Phìn") != name_key("Sà Phìn")
    assert variant_key(name_key("Xà Phìn")) == variant_key(name_key("Sà Phìn"))
    assert variant_key(name_key("Sủng Tráng")) == variant_key(name_key("Sủng Cháng"))


def test_nfc_and_fold_handle_missing_values_and_spaces():
    assert nfc(None) == ""
    assert nfc("  Cà   Mau ") == "Cà Mau"
    assert fold("Đầm Dơi") == "dam doi"
