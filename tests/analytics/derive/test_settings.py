import pytest

from analytics.derive import DerivationInputError, EndpointSettings


def test_the_defaults_date_induction_failure_at_day_0_with_a_14_day_window():
    assert EndpointSettings().as_dict() == {"induction_failure_dating": "day0", "induction_window_days": 14}


def test_an_unknown_dating_is_refused():
    with pytest.raises(DerivationInputError):
        EndpointSettings(induction_failure_dating="day33")


def test_a_negative_window_is_refused():
    with pytest.raises(DerivationInputError):
        EndpointSettings(induction_window_days=-1)
