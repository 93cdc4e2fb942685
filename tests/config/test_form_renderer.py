"""config/form_renderer.py writes the markup Django's widget and label templates write, character for character,
for tricky values: markup in values and labels, safe strings, numbers in Russian, option groups, boolean
attributes (tests/registry/views/test_form_renderer_pages.py compares the registry's pages with forms)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.form_renderer import _WRITERS, FormRenderer

DJANGO = DjangoTemplates()
OURS = FormRenderer()


def test_every_template_written_in_python_is_still_the_one_django_ships():
    # A Django upgrade that changes one of them turns its writer off (the template is used again): this says so.
    assert sorted(OURS.writers) == sorted(_WRITERS)


class _Tricky(forms.Form):
    text = forms.CharField(label=mark_safe("<b>Bold</b> label"), widget=forms.TextInput(attrs={"placeholder": 'a "q"'}))
    number = forms.DecimalField(label="Amount?", localize=True)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    flag = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": True, "hidden": False}))
    pick = forms.ChoiceField(
        choices=[
            ("", "---"),
            ("a&b", "A & B"),
            (gettext_lazy("Group"), [(1, gettext_lazy("Yes")), (2, mark_safe("<i>two</i>"))]),
            (Decimal("1.5"), Decimal("1.5")),
        ]
    )
    several = forms.MultipleChoiceField(choices=[("x", "<x>"), ("y", "y")], required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    secret = forms.CharField(widget=forms.HiddenInput, initial="<s>")
    unlabelled = forms.CharField(widget=forms.TextInput(attrs={"id": ""}), required=False)


_VALUES = [
    {},
    {"text": "<script>x</script>", "number": "1234.5", "when": "2026-01-02", "flag": "on", "pick": "a&b"},
    {"text": " spaced ", "pick": "1.5", "several": ["x", "y"], "note": "line\n<two>", "secret": "&amp;"},
]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("data", _VALUES)
def test_each_widget_and_label_reads_as_django_writes_it(language, data):
    with translation.override(language):
        django_form, our_form = _Tricky(data or None, renderer=DJANGO), _Tricky(data or None, renderer=OURS)
        for name in django_form.fields:
            assert str(our_form[name]) == str(django_form[name]), name
            assert our_form[name].label_tag() == django_form[name].label_tag(), name
            assert our_form[name].label_tag(tag="legend") == django_form[name].label_tag(tag="legend"), name
        assert our_form.as_div() == django_form.as_div()
        assert str(forms.Select(choices=[(date(2026, 1, 2), 7)]).render("d", None, renderer=OURS)) == str(
            forms.Select(choices=[(date(2026, 1, 2), 7)]).render("d", None, renderer=DJANGO)
        )


def test_a_select_whose_options_have_a_template_of_their_own_keeps_it():
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Starred(choices=[("a", "A")])
    assert widget.render("s", "a", renderer=OURS) == widget.render("s", "a", renderer=DJANGO)
