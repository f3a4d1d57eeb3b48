"""What people type is normalised the same way everywhere, without damaging names."""

import pytest

from accounts.text import corporate_number_check_digit, corporate_number_is_valid, normalize_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("１９０－００１２", "190-0012"),
        ("曙町２ー１ー１", "曙町2-1-1"),
        ("０４２‐０００‐００００", "042-000-0000"),
        ("　株式会社サーチ　", "株式会社サーチ"),
        ("マレーシア", "マレーシア"),
        ("センター工場", "センター工場"),
        ("ｻｰﾁ", "サーチ"),
        ("髙橋﨑子", "髙橋﨑子"),
        (None, ""),
    ],
)
def test_normalize_text(typed, expected):
    assert normalize_text(typed) == expected


def test_corporate_number_check_digit():
    # 7000012050002 is the 国税庁's own 法人番号.
    assert corporate_number_is_valid("7000012050002")
    assert corporate_number_check_digit("000012050002") == 7
    assert not corporate_number_is_valid("8000012050002")
    assert not corporate_number_is_valid("700001205000")
    assert not corporate_number_is_valid("70000120500０2")
