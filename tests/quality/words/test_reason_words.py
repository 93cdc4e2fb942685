"""A finding that quotes why a derived value cannot be given, or names a field and a numbered record, reads in
Russian on a Russian page: every reason of analytics.derive is in the catalog, and a field label or a record
name parsed back from an entry rule's English sentence is translated piece by piece."""

from __future__ import annotations

import pytest
from django.utils import translation

from analytics.derive import reasons
from quality.rules import wording
from quality.rules.contradictions import DERIVED_CONTRADICTION
from quality.rules.reason_words import REASON_WORDS


def test_every_reason_of_the_derivation_is_marked_for_translation():
    constants = {value for name, value in vars(reasons).items() if name.isupper() and isinstance(value, str)} - {
        reasons.INTERFANT_INPUTS_UNKNOWN
    }
    assert constants <= set(REASON_WORDS)


def test_a_contradiction_reads_in_russian():
    parts = [
        wording.part(
            DERIVED_CONTRADICTION, what="Response at end of induction", reason=reasons.CONTRADICTION_CR_AND_FAILURE
        )
    ]
    with translation.override("ru"):
        text = wording.render(parts)
    assert "induction failure event" not in text
    assert "противоречие: событие ПР в индукции и событие неудачи индукции" in text


@pytest.mark.django_db
def test_a_field_label_and_a_numbered_record_read_in_russian():
    with translation.override("ru"):
        assert wording._value("Onset date", True) == "Дата начала"
        assert wording._value("adverse event 3: Febrile", True).startswith("нежелательное явление 3: ")
        assert wording._value("Some free text", True) == "Some free text"


@pytest.mark.django_db
def test_an_entry_rule_sentence_splits_a_two_word_field_from_its_date():
    from registry.validation.rules import AFTER_DEATH

    sentence = str(AFTER_DEATH).format(
        field="Onset date", value="2014-11-07", record="adverse event 1: Febrile neutropenia", death="2014-10-18"
    )
    parsed = wording.parse_entry(sentence)
    assert parsed["p"]["field"] == "Onset date"
    assert parsed["p"]["value"] == "2014-11-07"
    with translation.override("ru"):
        text = wording.render([parsed])
    assert text.startswith("Дата начала 07.11.2014 (нежелательное явление 1: ")
    assert "Onset" not in text


@pytest.mark.django_db
def test_a_record_named_by_its_vocabulary_entry_reads_with_the_entrys_russian_label():
    from registry.models import AdverseEventType

    entry = AdverseEventType.objects.get(code="myelotoxic_aplasia")
    assert entry.label_ru, "the seeded entry has a Russian label"
    named = "adverse event 1: Myelotoxic aplasia"
    with translation.override("ru"):
        assert wording._value(named, True) == f"нежелательное явление 1: {entry.label_ru}"
    entry.label_ru = ""
    entry.save()
    with translation.override("ru"):
        assert wording._value(named, True) == "нежелательное явление 1: Myelotoxic aplasia"
