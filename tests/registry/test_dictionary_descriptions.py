"""The data dictionary page's descriptions of derived variables: whole sentences in the reader's language, the
columns and values they name shown as code, the English ones as they were."""

from __future__ import annotations

import html as html_lib

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(client, user, lang):
    client.force_login(user)
    body = client.get(reverse("registry:dictionary"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    return html_lib.unescape(body)


def test_a_russian_reader_reads_the_derived_variables_descriptions_in_russian(client, people):
    body = _page(client, people.coordinator, "ru")
    for russian in (
        "год даты диагноза из записи о диагнозе (сама дата в набор не входит)",  # noqa: RUF001
        "да, если у события смерти указана причина «Связанная с лечением (TRM)»",  # noqa: RUF001 (the cause's label, not 'trm')
        "локализация самого раннего события вида «Рецидив»",
        "(если причина не указана — «Исключён, причина не указана»)",  # the code's label, not 'excluded'
        "первое из событий (неудача индукции, рецидив, второе злокачественное новообразование, смерть) или конец "
        "наблюдения, в днях от даты диагноза",
        "события исхода у случаев в ПР в конце индукции",  # noqa: RUF001
        "Из лабораторной панели временной точки «При диагнозе».",
        "<td>день протокола</td>",
        "<td>дни</td>",
    ):
        assert russian in body, russian
    # A column and its value are named as code (a reader matches them in the file).
    assert "да, если <code>cr_status</code> = <code>CR</code>" in body
    assert "если <code>cr_status</code> = <code>no_CR</code>: 0 при настройке <code>day0</code>" in body
    for english in (
        "in days from the diagnosis date",
        "the year of the diagnosis record",
        "yes when",
        "From the laboratory panel",
        "day of protocol",
        "'trm'",
        "`",
    ):
        assert english not in body, english


def test_an_english_reader_keeps_the_english_descriptions(client, people):
    body = _page(client, people.coordinator, "en")
    for english in (
        "the year of the diagnosis record's diagnosis date (the date itself is left out)",
        "the first of induction failure, relapse, second malignancy and death, or end of follow-up, in days from the "
        "diagnosis date",
        "yes when <code>cr_status</code> is <code>CR</code>",
        "when <code>cr_status</code> is <code>no_CR</code>: 0 under the '<code>day0</code>' setting "
        "(<code>efs_induction_failure_dating</code>), else",
        "the case's exclusion reason when it is excluded ('Excluded, no reason' if none was given)",
        "<td>day of protocol</td>",
    ):
        assert english in body, english


def test_the_api_and_the_csv_give_the_descriptions_as_plain_text(client, people):
    client.force_login(people.coordinator)
    rows = client.get("/api/v1/dictionary/", {"table": "cases", "source": "derived"}).json()["results"]
    derived = {row["variable"]: row["derived_from"] for row in rows}
    assert derived["cr"] == "yes when cr_status is CR"
    assert derived["efs_event"] == "as efs_first_event"
    assert derived["exclusion_reason"].startswith("the case's exclusion reason when it is excluded ('Excluded, no")
    csv = client.get(reverse("registry:dictionary_download", args=["csv"])).content.decode("utf-8-sig")
    assert "yes when cr_status is CR" in csv and "`" not in csv
