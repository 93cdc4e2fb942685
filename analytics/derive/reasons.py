"""Why a derived value is "unknown", "not_applicable" or excluded, as constants tests can assert on.

Every text is short and names the record a data manager has to look at. Contradictions start with
``"contradiction: "`` so a report can group them.
"""

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
BIRTH_DATE_MISSING = "date of birth missing"
DIAGNOSIS_DATE_MISSING = "diagnosis date missing"
DIAGNOSIS_BEFORE_BIRTH = "diagnosis date before date of birth"

# KMT2A and cytogenetic risk
KMT2A_NO_FINDINGS = "no cytogenetic or molecular finding recorded"
KMT2A_NOT_TESTED = (
    "no finding examines KMT2A (a karyotype, KMT2A FISH or PCR, a multiplex RT-PCR panel or RNA-seq); "
    "a single-target RT-PCR or FISH for another gene cannot exclude a rearrangement"
)
KMT2A_NOT_REARRANGED = "KMT2A not rearranged"
KMT2A_STATUS_UNKNOWN = "KMT2A status not known"
KMT2A_PARTNER_NOT_RECORDED = "KMT2A rearranged but no fusion partner recorded"
KMT2A_CONFLICT_NOTE = "note: another finding reports KMT2A not rearranged"
CONTRADICTION_PARTNERS = "contradiction: findings name different KMT2A partners"
RISK_NO_FINDINGS = "no cytogenetic or molecular finding recorded"

# INTERFANT-06
LINEAGE_MISSING = "lineage missing"
LINEAGE_NOT_ALL = "lineage is not ALL"
NOT_INTERFANT06 = "protocol is not INTERFANT-06"
PROTOCOL_MISSING = "protocol missing"
# Followed by the names of the inputs, e.g. "not known and needed to decide: WBC, prednisone response".
INTERFANT_INPUTS_UNKNOWN = "not known and needed to decide: "

# Response at end of induction
NO_EOI_ASSESSMENT = "no end-of-induction assessment or response event"
ASSESSMENT_NOT_PLACED = "an assessment has neither day nor a date that places it in induction"
CR_EVENT_UNDATED = "CR event without a date"
CONTRADICTION_CR_AND_INDUCTION_DEATH = "contradiction: CR event and induction death"
CONTRADICTION_CR_AND_FAILURE = "contradiction: CR event in induction and induction failure event"
CONTRADICTION_ASSESSMENT_VS_EVENT = "contradiction: end-of-induction assessment disagrees with a response event"

# Survival endpoints
DEATH_DATE_MISSING = "death recorded without a date"
DEATH_BEFORE_DIAGNOSIS = "death date before diagnosis date"
CONTRADICTION_DEATH_DATES = "contradiction: several different death dates"
CONTRADICTION_VITAL_STATUS_ALIVE = "contradiction: vital status alive but a death is recorded"
VITAL_STATUS_DEAD_NO_DEATH_EVENT = "vital status dead but no death event"
LAST_CONTACT_MISSING = "last contact date missing"
FOLLOW_UP_BEFORE_DIAGNOSIS = "last contact date before diagnosis date"
EVENT_DATE_MISSING = "an event that may end follow-up has no date"
EVENT_BEFORE_DIAGNOSIS = "an event is dated before diagnosis"
INDUCTION_FAILURE_UNDATED = "induction failure has neither an event date nor an end-of-induction assessment date"
RESPONSE_UNKNOWN = "response at end of induction unknown"
NOT_IN_CR = "not_in_cr: never in complete remission after induction"

# Transplant
TRANSPLANT_DATE_MISSING = "a transplant has no date"
TRANSPLANT_BEFORE_DIAGNOSIS = "a transplant is dated before diagnosis"
