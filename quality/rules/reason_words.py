"""The reasons analytics.derive gives for a derived value it cannot give (analytics.derive.reasons, kept
there in English for the data and the API), marked here so that a finding's message that quotes one reads in
the reader's language: wording renders each text parameter through gettext."""

from __future__ import annotations

from django.utils.translation import gettext_noop

# Translators: why a derived value (response, KMT2A status, survival) cannot be given; quoted in a finding.
REASON_WORDS = (
    gettext_noop(
        "no finding examines KMT2A (a karyotype, KMT2A FISH or PCR, a multiplex RT-PCR panel or RNA-seq); "
        "a single-target RT-PCR or FISH for another gene cannot exclude a rearrangement"
    ),
    gettext_noop("date of birth missing"),
    gettext_noop("diagnosis date missing"),
    gettext_noop("diagnosis date before date of birth"),
    gettext_noop("no cytogenetic or molecular finding recorded"),
    gettext_noop("KMT2A not rearranged"),
    gettext_noop("KMT2A status not known"),
    gettext_noop("KMT2A rearranged but no fusion partner recorded"),
    gettext_noop("note: another finding reports KMT2A not rearranged"),
    gettext_noop("contradiction: findings name different KMT2A partners"),
    gettext_noop("lineage missing"),
    gettext_noop("lineage is not ALL"),
    gettext_noop("protocol is not INTERFANT-06"),
    gettext_noop("protocol missing"),
    gettext_noop("no end-of-induction assessment or response event"),
    gettext_noop("an assessment has neither day nor a date that places it in induction"),
    gettext_noop("CR event without a date"),
    gettext_noop("contradiction: CR event and induction death"),
    gettext_noop("contradiction: CR event in induction and induction failure event"),
    gettext_noop("contradiction: end-of-induction assessment disagrees with a response event"),
    gettext_noop("death recorded without a date"),
    gettext_noop("death date before diagnosis date"),
    gettext_noop("contradiction: several different death dates"),
    gettext_noop("contradiction: vital status alive but a death is recorded"),
    gettext_noop("vital status dead but no death event"),
    gettext_noop("last contact date missing"),
    gettext_noop("last contact date before diagnosis date"),
    gettext_noop("an event that may end follow-up has no date"),
    gettext_noop("an event is dated before diagnosis"),
    gettext_noop("induction failure has neither an event date nor an end-of-induction assessment date"),
    gettext_noop("response at end of induction unknown"),
    gettext_noop("not_in_cr: never in complete remission after induction"),
    gettext_noop("a transplant has no date"),
    gettext_noop("a transplant is dated before diagnosis"),
)
