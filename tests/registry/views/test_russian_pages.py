"""The registry's own pages in Russian, for every role: no English heading, label or sentence of ours is left, dates
follow the Russian format, and coded values are shown as labels (in English too)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from registry.templatetags.labels import audit_action, derived_label, human, token_status, yes_no

pytestmark = pytest.mark.django_db

# Headings, labels and sentences of the registry's pages (base.html, registry/*, registration/*, accounts/*). Each
# is written so that it cannot match a Russian page by accident, nor another app's text.
ENGLISH = [
    ">Dashboard<",
    ">Cases<",
    ">Register a case<",
    ">Data dictionary<",
    ">Users<",
    ">Log out<",
    ">Language<",
    ">Switch<",
    "Cases needing attention",
    "need attention",
    "excluded from analyses",
    "By center",
    "By lineage",
    "Registry ID",
    "Last contact",
    "No cases match",
    ">Filter<",
    ">Clear<",
    "Date of birth",
    "Gestational age",
    "Down syndrome",
    "Family history of cancer",
    "Derived (computed",
    "Age at diagnosis",
    "Cytogenetic risk class",
    "INTERFANT-06 risk group",
    "End of induction",
    "Relapse (competing risks)",
    ">Timeline<",
    "Audit trail",
    ">When<",
    ">Who<",
    ">Changes<",
    "No history.",
    "Reason for unlocking",
    "Lock (sign off)",
    "Edit child and exclusions",
    "Archive this case",
    "History of",
    "Your account",
    "Two-factor sign-in",
    "Change your password",
    "Make, see and revoke",
    "Sign-in lockouts",
    "Make a token",
    "Your tokens",
    "No API tokens.",
    "Import cases from a file",
    "Check the file",
    "No files imported yet",
    "Every column of the import workbook",
    ">Variable<",
    ">Description<",
    "New user",
    "No users match",
    "Give a role",
    "Send the link",
    "Deactivate (signs",
    "This is you",
    "Kept in the history",
    "Page 1 of",
    "No failed sign-ins",
    "Back to your account",
]
# The data dictionary and the case form show the models' own labels (translated with the models, not here).
MODEL_LABELS = {
    "Registry ID",
    "Gestational age",
    "Down syndrome",
    "Age at diagnosis",
    "Cytogenetic risk class",
    "INTERFANT-06 risk group",
}
# Shown only in states the English check below does not set up (a locked case, a pending user, an empty list).
NOT_ON_THESE_PAGES = {
    "No cases match",
    "No users match",
    "No failed sign-ins",
    "Page 1 of",
    "Reason for unlocking",
    "No history.",
    "Send the link",
}
LITERALS = re.compile(r">\s*(None|True|False|\[\]|\{\})\s*<")


def _pages(people, case_a) -> dict[str, list[str]]:
    case_pages = [
        reverse("registry:dashboard"),
        reverse("registry:case_list"),
        reverse("registry:case_detail", args=[case_a.pk]),
        reverse("registry:case_history", args=[case_a.pk]),
        reverse("registry:dictionary"),
        reverse("accounts:account"),
        reverse("accounts:api_tokens"),
    ]
    return {
        "entry_a": [*case_pages, reverse("registry:import_list"), reverse("registry:case_edit", args=[case_a.pk])],
        "lead_a": case_pages,
        "coordinator": case_pages,
        "manager": [
            *case_pages,
            reverse("registry:import_list"),
            reverse("registry:user_list"),
            reverse("registry:user_new"),
            reverse("registry:user_detail", args=[people.entry_a.pk]),
            reverse("registry:user_detail", args=[people.manager.pk]),
            reverse("accounts:lockouts"),
        ],
    }


def _in_russian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"


@pytest.mark.parametrize("role", ["entry_a", "lead_a", "coordinator", "manager"])
def test_the_registry_pages_in_russian_have_no_english_of_ours(client, people, case_a, role):
    client.force_login(getattr(people, role))
    _in_russian(client)
    for url in _pages(people, case_a)[role]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="ru">' in page, url
        models_speak = url in (reverse("registry:dictionary"), reverse("registry:case_edit", args=[case_a.pk]))
        ours = [text for text in ENGLISH if not (models_speak and text in MODEL_LABELS)]
        left = [text for text in ours if text in page]
        assert not left, f"{role} {url}: {left}"
        assert not LITERALS.search(page), f"{role} {url}: {LITERALS.search(page).group(0)}"


def test_the_same_pages_in_english_show_those_words(client, people, case_a):
    """The list above is of words the pages really show: without the translation they would be found."""
    client.force_login(people.manager)
    seen = set()
    for url in _pages(people, case_a)["manager"] + [reverse("registry:case_edit", args=[case_a.pk])]:
        page = client.get(url).content.decode()
        seen |= {text for text in ENGLISH if text in page}
    assert set(ENGLISH) - seen <= NOT_ON_THESE_PAGES


def test_the_sign_in_and_error_pages_in_russian(client, people):
    _in_russian(client)
    login = client.get(reverse("login")).content.decode()
    assert "<h1>Войти</h1>" in login and "Log in" not in login
    client.force_login(people.coordinator)
    refused = client.get(reverse("registry:import_list"))
    assert refused.status_code == 403
    assert "Нет доступа" in refused.content.decode() and "Not allowed" not in refused.content.decode()
    missing = client.get("/cases/999999/")
    assert missing.status_code == 404 and "Не найдено" in missing.content.decode()  # noqa: RUF001


def test_dates_on_the_case_page_follow_the_language(client, people, case_a):
    client.force_login(people.entry_a)
    url = reverse("registry:case_detail", args=[case_a.pk])
    english = client.get(url).content.decode()
    assert "Date of birth</label>2020-01-01" in english
    _in_russian(client)
    russian = client.get(url).content.decode()
    assert "Дата рождения</label>01.01.2020" in russian


def test_the_case_list_and_dashboard_show_labels_not_codes(client, people, case_a):
    client.force_login(people.entry_a)
    listing = client.get(reverse("registry:case_list")).content.decode()
    row = listing.split(case_a.registry_id, 1)[1].split("</tr>", 1)[0]
    assert f"<td>{case_a.get_sex_display()}</td>" in row and f"<td>{case_a.sex}</td>" not in row
    assert "Acute lymphoblastic leukemia" in row and "<td>ALL" not in row
    dashboard = client.get(reverse("registry:dashboard")).content.decode()
    assert "<td>Acute lymphoblastic leukemia</td>" in dashboard and "<td>ALL</td>" not in dashboard


def test_the_case_page_shows_the_derived_labels_not_codes(client, people, case_a):
    client.force_login(people.entry_a)
    page = client.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    derived = page.split("Derived (computed", 1)[1].split("</div>\n\n", 1)[0]
    for code in ["early_infant", "rearranged<", "not_tested", "unfavorable", "intermediate<", "no_CR"]:
        assert code not in derived, code


def test_values_read_as_words():
    assert [human(v) for v in (None, "", [], "[]", "None", "(empty)")] == ["—"] * 6
    assert [human(True), human(False), human("yes"), human(["a", "b"])] == ["Yes", "No", "Yes", "a, b"]
    assert [yes_no(True), yes_no(False), yes_no(None)] == ["Yes", "No", "Unknown"]
    assert derived_label("unfavorable", "risk_class") == "Unfavorable"
    assert derived_label("AFF1", "kmt2a_partner") == "AFF1"  # a gene is shown as it is
    with translation.override("ru"):
        assert [human(True), audit_action("created"), token_status("revoked")] == ["Да", "создано", "отозван"]


def test_a_pseudonymized_reader_sees_days_from_diagnosis_in_russian(client, people, case_a):
    client.force_login(people.coordinator)
    url = reverse("registry:case_detail", args=[case_a.pk])
    assert "day +" in client.get(url).content.decode()
    _in_russian(client)
    page = client.get(url).content.decode()
    assert "день +" in page and "day +" not in page


def test_why_a_derived_value_does_not_apply_reads_in_russian():
    from django.template import Context, Template

    from analytics.derive import reasons

    page = Template("{% load labels %}({{ reason|derived_reason }})")
    assert page.render(Context({"reason": reasons.LINEAGE_NOT_ALL})) == f"({reasons.LINEAGE_NOT_ALL})"
    with translation.override("ru"):
        russian = page.render(Context({"reason": reasons.LINEAGE_NOT_ALL}))
    assert reasons.LINEAGE_NOT_ALL not in russian and re.search("[\u0430-\u044f]", russian), russian
    template = (settings.BASE_DIR / "templates/registry/case_detail.html").read_text()
    assert ".reason }}" not in template  # every reason on the case page goes through the filter
