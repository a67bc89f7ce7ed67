import pytest

from jifen.errors import InvalidArgument
from services.members.domain.phone import mask_phone, normalize_phone


@pytest.mark.parametrize("raw", ["13812345678", "138-1234-5678", "+86 138 1234 5678", "0086 13812345678"])
def test_common_ways_of_writing_a_mobile_number_are_accepted(raw):
    assert normalize_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "abc", "010-12345678"])
def test_a_number_that_is_not_a_mainland_mobile_is_refused_naming_the_field(raw):
    with pytest.raises(InvalidArgument) as err:
        normalize_phone(raw)
    assert err.value.field == "phone"
    assert "11 位" in err.value.message("zh")


def test_an_empty_number_says_it_is_required():
    with pytest.raises(InvalidArgument, match="required"):
        normalize_phone("  ")


def test_masked_numbers_hide_the_middle_digits():
    assert mask_phone("13812345678") == "138****5678"
