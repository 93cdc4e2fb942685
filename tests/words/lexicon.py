"""What the words tests look for and what they leave alone: the codes of coded fields, the demo data's own
strings, and the few non-words (gene names, notation, abbreviations, units) a Russian page keeps in Latin."""

from __future__ import annotations

import re
from dataclasses import fields

from django.apps import apps
from django.conf import settings
from django.db import models

__all__ = [
    "KNOWN_NON_WORDS",
    "NON_WORD_PATTERNS",
    "coded_values",
    "data_strings",
    "flaggable_codes",
    "label_words",
    "shipped_quotations",
]

# Kept in Latin letters in a Russian text (the preamble's "Clinical terms"). Words in capitals are never counted
# as English (detect.english_runs): the abbreviations of endpoints, statistics, lineages, genes, methods and file
# formats (OS, EFS, HR, CI, ALL, AML, KMT2A, MRD, PDF, XLSX) need no list. Left here: the protocol family, a
# proper name. Statisticians' names are written in Cyrillic in Russian (кривая Каплана-Мейера, модель Кокса), so
# "Kaplan-Meier" or "Cox" in Latin letters is left to be caught.
KNOWN_NON_WORDS = frozenset({"Interfant"})
# Karyotype notation (t(4;11)(q21;q23), del(11q)), fusions (KMT2A::AFF1), units (x10^9/L, g/dL, umol/L), e-mail
# addresses, URLs, the names of a download's files (codes.csv, read_dataset.R): never English words.
NON_WORD_PATTERNS = (
    re.compile(r"\b(?:t|del|inv|dup|ins|add|der|i)\(\S+?\)(?:\(\S+?\))?"),
    re.compile(r"\b\w+::\w+\b"),
    re.compile("(?:\u00d7\\s?10\\S*|" r"\b(?:g|mg|µmol|mmol|U|IU|cells?)\s?/\s?(?:L|dL|µL|mL|l|kg)\b)"),
    re.compile(r"\S+@\S+\.\w+"),
    re.compile(r"https?://\S+"),
    re.compile(r"\b[\w-]+\.(?:csv|txt|R|xlsx|zip|sav|dta|pdf|svg|json|png)\b"),
)


def _choice_pairs(choices) -> list[tuple[str, str]]:
    pairs = []
    for value, label in choices or ():
        if isinstance(label, list | tuple):  # a group
            pairs += _choice_pairs(label)
        elif isinstance(value, str):
            pairs.append((value, str(label)))
    return pairs


def coded_values() -> dict[str, str]:
    """Every code of a coded field whose label differs from it, with its (English) label.

    From: the choices of every model field and every TextChoices of registry.choices; the vocabulary entries
    (code, label); the data dictionary's variable names (import sheets and the analysis dataset) and their codes;
    the analysis settings' and filters' keys and their coded values.
    """
    from analytics.derive.settings import EndpointSettings
    from analytics.runs import options
    from analytics.variables import dataset_variables
    from registry import choices
    from registry.dictionary import entered_variables

    codes: dict[str, str] = {}

    def add(code, label) -> None:
        code, label = str(code), str(label)
        if code and code != label:
            codes.setdefault(code, label)

    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            for value, label in _choice_pairs(getattr(f, "choices", None)):
                add(value, label)
        if {"code", "label"} <= {f.name for f in model._meta.concrete_fields} and not model.__name__.startswith(
            "Historical"
        ):
            for code, label in model.objects.values_list("code", "label"):
                add(code, label)
    for member in vars(choices).values():
        if isinstance(member, type) and issubclass(member, models.Choices):
            for value, label in member.choices:
                add(value, label)
    for variable in [*entered_variables(), *dataset_variables()]:
        add(variable.name, variable.label)
        for code, label in variable.codes:
            add(code, label)
    for cls in (options.RunSettings, options.RunFilters, EndpointSettings):
        for f in fields(cls):
            add(f.name, f"the {cls.__name__} setting {f.name}")
    for value in (*options.CI_TRANSFORMS, *options.INDUCTION_FAILURE_DATINGS):
        if re.search(r"[_\d]", value):  # "log-log" or "plain" name themselves; "day0" and "event_date" do not
            add(value, f"the setting value {value}")
    return codes


def label_words(codes: dict[str, str], msgids: list[str]) -> set[str]:
    """The words of every label and every message of ours, in lower case: a code spelled like one of them may be
    read as that word ("center", "other", "relapse"). Abbreviations stay in capitals: the code `wbc` of the label
    "WBC" is still a code."""
    words: set[str] = set()
    for text in [*codes.values(), *msgids]:
        words.update(word if word.isupper() else word.lower() for word in re.findall(r"[^\W_]+", text))
    return words


def flaggable_codes(codes: dict[str, str], words: set[str]) -> set[str]:
    """The codes that cannot be read as anything else.

    snake_case codes (`chemo_refused`, `early_infant`) always. Others only when they are not a word of our own
    labels and messages (in any case), not an abbreviation (all capitals: `ALL`, `CR`), not notation
    (`t(4;11)`), at least two characters long and not a number: so `relapse`, `ALL` or `M` are left alone,
    `wbc` or `day0` are not.
    """
    keep = set()
    for code in codes:
        if "_" in code.strip("_") or (
            len(code) >= 2
            and not code.replace(".", "").isdigit()
            and not code.isupper()
            and code.lower() not in words
            and re.fullmatch(r"[A-Za-z][A-Za-z0-9.-]*", code)
        ):
            keep.add(code)
    return keep


_SKIPPED_FIELDS = re.compile(r"(^|_)(hash|sha256|password|key|token|secret|digest|fingerprint)$")


def data_strings(lang: str, codes: set[str]) -> set[str]:
    """Every string value the people of the registry entered (or the demo entered for them): names, notes,
    reasons for a change, center names, registry IDs, usernames, e-mails, protocol names; in Russian also the
    vocabulary entries' English labels where their Russian label is empty. Codes are not data."""
    found: set[str] = {settings.SITE_NAME}
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    models_ = [model for model in apps.get_app_config("registry").get_models()]
    models_ += [user_model, apps.get_model("quality", "QueryMessage")]
    for model in models_:
        names = {f.name for f in model._meta.concrete_fields}
        is_vocabulary = {"code", "label"} <= names
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and not _SKIPPED_FIELDS.search(f.name)
            and not (is_vocabulary and f.name in {"code", "label", "label_ru"})
        ]
        for name in text_fields:
            found.update(v for v in model.objects.values_list(name, flat=True).distinct() if v)
        if is_vocabulary and not model.__name__.startswith("Historical"):
            if lang == "en" or "label_ru" not in names:
                # English pages: the label is what they show. Before Russian labels exist nothing is exempt.
                if lang == "en":
                    found.update(model.objects.values_list("label", flat=True))
            else:
                found.update(model.objects.filter(label_ru="").values_list("label", flat=True))
    return {value.strip() for value in found if value.strip() and value.strip() not in codes}


def shipped_quotations() -> set[str]:
    """The papers' words the registry ships in English on purpose: the quote of every claim of the built-in plans
    (analytics.plans.claims). They are left alone only where a page or report shows them as quotations."""
    from analytics.plans.claims import BUILTIN_PLANS

    return {a.claim.quote for _slug, spec in BUILTIN_PLANS for a in spec.analyses if a.claim and a.claim.quote}
