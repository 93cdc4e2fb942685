"""Vocabulary entries in the reader's language: every seeded entry has its Russian label; `display_label` and
str() follow the active language and fall back to English; the admin edits the Russian label; the data
dictionary page shows the Russian labels to a Russian reader."""

import pytest
from django.urls import reverse
from django.utils import translation

from registry import models as m
from registry.migrations._vocabulary_seed import ABNORMALITIES, ADVERSE_EVENT_TYPES, GENES, MARKERS

pytestmark = pytest.mark.django_db


def test_every_seeded_entry_has_a_russian_label_and_notation_stays_notation():
    for model, codes in (
        (m.Gene, GENES),
        (m.ImmunoMarker, MARKERS),
        (m.Abnormality, [code for code, *_ in ABNORMALITIES]),
        (m.AdverseEventType, [code for code, _label in ADVERSE_EVENT_TYPES]),
    ):
        missing = list(model.objects.filter(code__in=codes, label_ru="").values_list("code", flat=True))
        assert missing == [], (model.__name__, missing)
    assert m.Gene.objects.get(code="KMT2A").label_ru == "KMT2A"
    assert m.Gene.objects.get(code="OTHER").label_ru == "Другой (укажите символ гена)"
    assert m.Abnormality.objects.get(code="t(4;11)").label_ru == "t(4;11)(q21;q23) KMT2A::AFF1"
    assert m.Abnormality.objects.get(code="normal_karyotype").label_ru == "Нормальный кариотип"
    assert m.AdverseEventType.objects.get(code="sepsis").label_ru == "Сепсис"


def test_display_label_follows_the_language_and_falls_back_to_english():
    sepsis = m.AdverseEventType.objects.get(code="sepsis")
    untranslated = m.AdverseEventType(code="x", label="Something new")
    other = m.Protocol.objects.get(name="Institutional / other")
    interfant = m.Protocol.objects.get(name="INTERFANT-06")
    with translation.override("en"):
        assert (sepsis.display_label, str(sepsis)) == ("Sepsis", "Sepsis")
        assert str(other) == "Institutional / other"
    with translation.override("ru"):
        assert (sepsis.display_label, str(sepsis)) == ("Сепсис", "Сепсис")
        assert str(untranslated) == "Something new"
        assert str(other) == "Институциональный / другой протокол"
        assert str(interfant) == "INTERFANT-06"  # a trial's name is not translated
        assert other.code == "Institutional / other"  # files and the API name it so in any language


def test_the_data_manager_edits_the_russian_label_in_the_admin(client, people):
    client.force_login(people.manager)
    page = client.get(reverse("admin:registry_adverseeventtype_changelist")).content.decode()
    assert 'name="form-0-label_ru"' in page
    entry = m.AdverseEventType.objects.get(code="mucositis")
    response = client.get(reverse("admin:registry_adverseeventtype_change", args=[entry.pk]))
    assert 'name="label_ru"' in response.content.decode()


def test_the_dictionary_page_shows_vocabulary_labels_in_the_readers_language(client, people):
    client.force_login(people.entry_a)
    english = client.get(reverse("registry:dictionary")).content.decode()
    russian = client.get(reverse("registry:dictionary"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<code>febrile_neutropenia</code> = Febrile neutropenia" in english
    assert "<code>febrile_neutropenia</code> = Фебрильная нейтропения" in russian
    assert "Гестационный возраст" in russian and "Gestational age" in english
    assert "Лист импорта <code>cases</code>: Случаи" in russian and "Код центра" in russian
