"""The run form's choices read as words in the user's language: no transform's code left in a Russian page."""

from __future__ import annotations

from django.utils import translation

from analytics.forms import RunRequestForm


def _transform_labels() -> list[str]:
    return [str(label) for _value, label in RunRequestForm.base_fields["ci_transform"].choices]


def test_the_ci_transform_choices_are_translated():
    with translation.override("en"):
        assert _transform_labels()[0] == "log-log transform (R's survival default)"
    with translation.override("ru"):
        labels = _transform_labels()
    assert labels[0] == "преобразование двойного логарифма (по умолчанию в пакете survival R)"
    assert not any("log-log" in label for label in labels)
