"""The closeness of two model names: without diacritics and case, numbers kept apart."""

import pytest

from recognition.names import name_normalise, name_similarity, names_are_close


def test_normalise_drops_diacritics_case_and_punctuation():
    assert name_normalise("Hũ gạo  TÌNH thương!") == "hu gao tinh thuong"
    assert name_normalise("Đoạn đường tự quản") == "doan duong tu quan"
    assert (
        name_normalise("Tủ quần áo “Ai thừa ủng hộ, ai thiếu đến nhận”")
        == "tu quan ao ai thua ung ho ai thieu den nhan"
    )


@pytest.mark.parametrize(
    ("first", "second", "similarity"),
    [
        ("Hũ gạo tình thương", "Hu gao tinh thuong", 1.0),
        ("Đoạn đường tự quản", "DOAN DUONG TU QUAN", 1.0),
        ("Tổ tự quản an ninh", "An ninh tổ tự quản", 1.0),  # same words, another order
        ("Hũ gạo tình thương", "Hũ gạo tình thương mến", 0.9),
        ("Camera an ninh khu dân cư", "Camera an ninh khu dan cu", 1.0),
        ("Hũ gạo tình thương", "Hũ gạo yêu thương", 0.8),
        ("Thắp sáng đường quê", "Thắp sáng đường làng", 0.8205),
        ("Nuôi cá lồng", "Trồng nấm linh chi", 0.2),
        ("Tổ tự quản số 1", "Tổ tự quản số 2", 0.0),  # different numbers: two models
        ("Học bổng 1.000 đồng", "Học bổng 1000 đồng", 0.973),
        ("", "Hũ gạo tình thương", 0.0),
        ("Mô hình nuôi cá lồng", "Nuôi cá lồng", 1.0),  # "mô hình" names no model
        ("Mô hình A", "Mô hình B", 0.0),
    ],
)
def test_similarity_on_exact_examples(first, second, similarity):
    assert name_similarity(first, second) == similarity


def test_close_from_085():
    assert names_are_close("Hũ gạo tình thương", "Hũ gạo tình thương mến") is True
    assert names_are_close("Thắp sáng đường quê", "Thắp sáng đường làng") is False
    assert names_are_close("Tổ tự quản số 1", "Tổ tự quản số 2") is False
