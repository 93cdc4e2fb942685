"""Why a derived value is "unknown", "not_applicable" or excluded, as constants tests can assert on.

Every text is short and names the record a data manager has to look at. Contradictions start with
``"contradiction: "`` so a report can group them.
"""


def gettext_noop(message: str) -> str:
    """Marks a reason for the translation catalog; ``translated`` shows it in the reader's language."""
    return message


__all__ = [
    "ASSESSMENT_NOT_PLACED",
    "BIRTH_DATE_MISSING",
    "CONTRADICTION_ASSESSMENT_VS_EVENT",
    "CONTRADICTION_CR_AND_FAILURE",
    "CONTRADICTION_CR_AND_INDUCTION_DEATH",
    "CONTRADICTION_DEATH_DATES",
    "CONTRADICTION_PARTNERS",
    "CONTRADICTION_VITAL_STATUS_ALIVE",
    "CR_EVENT_UNDATED",
    "DEATH_BEFORE_DIAGNOSIS",
    "DEATH_DATE_MISSING",
    "DIAGNOSIS_BEFORE_BIRTH",
    "DIAGNOSIS_DATE_MISSING",
    "EVENT_BEFORE_DIAGNOSIS",
    "EVENT_DATE_MISSING",
    "FOLLOW_UP_BEFORE_DIAGNOSIS",
    "INDUCTION_FAILURE_UNDATED",
    "INTERFANT_INPUTS_UNKNOWN",
    "KMT2A_CONFLICT_NOTE",
    "KMT2A_NOT_REARRANGED",
    "KMT2A_NOT_TESTED",
    "KMT2A_NO_FINDINGS",
    "KMT2A_PARTNER_NOT_RECORDED",
    "KMT2A_STATUS_UNKNOWN",
    "LAST_CONTACT_MISSING",
    "LINEAGE_MISSING",
    "LINEAGE_NOT_ALL",
    "NOT_INTERFANT06",
    "NOT_IN_CR",
    "NO_EOI_ASSESSMENT",
    "PROTOCOL_MISSING",
    "RESPONSE_UNKNOWN",
    "RISK_NO_FINDINGS",
    "TRANSPLANT_BEFORE_DIAGNOSIS",
    "TRANSPLANT_DATE_MISSING",
    "VITAL_STATUS_DEAD_NO_DEATH_EVENT",
]

# Dates and age
BIRTH_DATE_MISSING = gettext_noop("date of birth missing")
DIAGNOSIS_DATE_MISSING = gettext_noop("diagnosis date missing")
DIAGNOSIS_BEFORE_BIRTH = gettext_noop("diagnosis date before date of birth")

# KMT2A and cytogenetic risk
KMT2A_NO_FINDINGS = gettext_noop("no cytogenetic or molecular finding recorded")
KMT2A_NOT_TESTED = gettext_noop(
    "no finding examines KMT2A (a karyotype, KMT2A FISH or PCR, a multiplex RT-PCR panel or RNA-seq); "
    "a single-target RT-PCR or FISH for another gene cannot exclude a rearrangement"
)
KMT2A_NOT_REARRANGED = gettext_noop("KMT2A not rearranged")
KMT2A_STATUS_UNKNOWN = gettext_noop("KMT2A status not known")
KMT2A_PARTNER_NOT_RECORDED = gettext_noop("KMT2A rearranged but no fusion partner recorded")
KMT2A_CONFLICT_NOTE = gettext_noop("note: another finding reports KMT2A not rearranged")
CONTRADICTION_PARTNERS = gettext_noop("contradiction: findings name different KMT2A partners")
RISK_NO_FINDINGS = gettext_noop("no cytogenetic or molecular finding recorded")

# INTERFANT-06
LINEAGE_MISSING = gettext_noop("lineage missing")
LINEAGE_NOT_ALL = gettext_noop("lineage is not ALL")
NOT_INTERFANT06 = gettext_noop("protocol is not INTERFANT-06")
PROTOCOL_MISSING = gettext_noop("protocol missing")
# Followed by the names of the inputs, e.g. "not known and needed to decide: WBC, prednisone response".
INTERFANT_INPUTS_UNKNOWN = gettext_noop("not known and needed to decide: ")

# Response at end of induction
NO_EOI_ASSESSMENT = gettext_noop("no end-of-induction assessment or response event")
ASSESSMENT_NOT_PLACED = gettext_noop("an assessment has neither day nor a date that places it in induction")
CR_EVENT_UNDATED = gettext_noop("CR event without a date")
CONTRADICTION_CR_AND_INDUCTION_DEATH = gettext_noop("contradiction: CR event and induction death")
CONTRADICTION_CR_AND_FAILURE = gettext_noop("contradiction: CR event in induction and induction failure event")
CONTRADICTION_ASSESSMENT_VS_EVENT = gettext_noop(
    "contradiction: end-of-induction assessment disagrees with a response event"
)

# Survival endpoints
DEATH_DATE_MISSING = gettext_noop("death recorded without a date")
DEATH_BEFORE_DIAGNOSIS = gettext_noop("death date before diagnosis date")
CONTRADICTION_DEATH_DATES = gettext_noop("contradiction: several different death dates")
CONTRADICTION_VITAL_STATUS_ALIVE = gettext_noop("contradiction: vital status alive but a death is recorded")
VITAL_STATUS_DEAD_NO_DEATH_EVENT = gettext_noop("vital status dead but no death event")
LAST_CONTACT_MISSING = gettext_noop("last contact date missing")
FOLLOW_UP_BEFORE_DIAGNOSIS = gettext_noop("last contact date before diagnosis date")
EVENT_DATE_MISSING = gettext_noop("an event that may end follow-up has no date")
EVENT_BEFORE_DIAGNOSIS = gettext_noop("an event is dated before diagnosis")
INDUCTION_FAILURE_UNDATED = gettext_noop(
    "induction failure has neither an event date nor an end-of-induction assessment date"
)
RESPONSE_UNKNOWN = gettext_noop("response at end of induction unknown")
NOT_IN_CR = gettext_noop("not_in_cr: never in complete remission after induction")

# Transplant
TRANSPLANT_DATE_MISSING = gettext_noop("a transplant has no date")
TRANSPLANT_BEFORE_DIAGNOSIS = gettext_noop("a transplant is dated before diagnosis")
