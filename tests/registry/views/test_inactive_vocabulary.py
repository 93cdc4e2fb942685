"""A vocabulary entry the data manager deactivates is no longer offered for new records, but the records that
already use it keep it and can still be saved (protocols, abnormalities, genes, markers, adverse event types)."""

import pytest
from django.urls import reverse

from registry import forms as f
from registry import models as m
from tests.factories import protocol, vocab

pytestmark = pytest.mark.django_db


def _section(case, slug):
    return reverse("registry:case_section", kwargs={"pk": case.pk, "section": slug})


def _as_posted(container) -> dict:
    """What the browser sends back for the rendered form or formset, unchanged."""
    forms = [container] if isinstance(container, f.VersionedForm) else [container.management_form, *container]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else str(value)
    return data


def _deactivate(entry):
    entry.active = False
    entry.save()


def test_a_case_on_a_deactivated_protocol_shows_it_and_its_treatment_can_be_saved(client, people, case_a):
    interfant = protocol("INTERFANT-06")
    _deactivate(interfant)
    client.force_login(people.entry_a)
    page = client.get(_section(case_a, "treatment"))
    assert f'<option value="{interfant.pk}" selected>' in page.content.decode()

    data = _as_posted(page.context["form"])
    data["rec-steroid_response"] = "poor"
    response = client.post(_section(case_a, "treatment"), data)
    assert response.status_code == 302
    treatment = m.Treatment.objects.get(case=case_a)
    assert (treatment.protocol, treatment.steroid_response) == (interfant, "poor")


@pytest.mark.parametrize(
    ("section", "model", "code"),
    [
        ("immunophenotype", m.ImmunoMarker, "CD19"),
        ("cytogenetics", m.Abnormality, "t(4;11)"),
        ("cytogenetics", m.Gene, "AFF1"),
        ("toxicity", m.AdverseEventType, "febrile_neutropenia"),
    ],
)
def test_rows_that_use_a_deactivated_entry_can_still_be_saved(client, people, case_a, section, model, code):
    _deactivate(vocab(model, code))
    client.force_login(people.entry_a)
    page = client.get(_section(case_a, section))
    response = client.post(_section(case_a, section), _as_posted(page.context["form"]))
    assert response.status_code == 302, response.context["form"].errors


def test_a_deactivated_protocol_is_not_offered_for_a_new_treatment(people, case_a):
    interfant = protocol("INTERFANT-06")
    _deactivate(interfant)
    new = f.TreatmentForm(instance=m.Treatment(case=case_a))
    assert interfant not in new.fields["protocol"].queryset
    assert new.fields["protocol"].queryset.exists()
    refused = f.TreatmentForm({"protocol": interfant.pk}, instance=m.Treatment(case=case_a))
    assert not refused.is_valid() and "protocol" in refused.errors


def test_deactivated_entries_are_offered_only_on_the_rows_that_use_them(case_a):
    cd19, aff1, t411 = vocab(m.ImmunoMarker, "CD19"), vocab(m.Gene, "AFF1"), vocab(m.Abnormality, "t(4;11)")
    fever = vocab(m.AdverseEventType, "febrile_neutropenia")
    for entry in (cd19, aff1, t411, fever):
        _deactivate(entry)
    rows = {
        f.MarkerFormSet: (m.MarkerFinding, {"marker": cd19}),
        f.FindingFormSet: (m.CytogeneticFinding, {"abnormality": t411, "gene_3p": aff1}),
        f.AdverseEventFormSet: (m.AdverseEvent, {"event_type": fever}),
    }
    for formset_class, (model, used) in rows.items():
        formset = formset_class(queryset=model.objects.filter(case=case_a))
        existing, extra = formset.forms[0], formset.forms[-1]
        assert extra.instance.pk is None
        for name, entry in used.items():
            assert existing.initial[name] == entry.pk
            assert entry in existing.fields[name].queryset
            assert entry not in extra.fields[name].queryset, (formset_class, name)


def test_the_case_list_filter_still_offers_every_protocol(people, case_a):
    interfant = protocol("INTERFANT-06")
    _deactivate(interfant)
    assert interfant in f.CaseFilterForm(user=people.manager).fields["protocol"].queryset
