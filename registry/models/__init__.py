from registry.models.api import ApiToken, IdempotencyRecord
from registry.models.cases import Case
from registry.models.centers import Center, Membership
from registry.models.clinical import Diagnosis, LabPanel, MarkerFinding
from registry.models.cytogenetics import CytogeneticFinding
from registry.models.figures import CenterFigures
from registry.models.imports import ImportJob
from registry.models.outcomes import AdverseEvent, FollowUp, OutcomeEvent
from registry.models.preferences import UserPreference
from registry.models.treatment import ResponseAssessment, SupportiveCare, Transplant, Treatment
from registry.models.vocabularies import (
    Abnormality,
    AdverseEventType,
    Gene,
    ImmunoMarker,
    Protocol,
    RiskRule,
    RiskRuleSet,
)

__all__ = [
    "Abnormality",
    "AdverseEvent",
    "AdverseEventType",
    "ApiToken",
    "Case",
    "Center",
    "CenterFigures",
    "CytogeneticFinding",
    "Diagnosis",
    "FollowUp",
    "Gene",
    "IdempotencyRecord",
    "ImmunoMarker",
    "ImportJob",
    "LabPanel",
    "MarkerFinding",
    "Membership",
    "OutcomeEvent",
    "Protocol",
    "ResponseAssessment",
    "RiskRule",
    "RiskRuleSet",
    "SupportiveCare",
    "Transplant",
    "Treatment",
    "UserPreference",
]

# Every per-case record type, in the order the case page shows them.
CASE_RECORD_MODELS = (
    Diagnosis,
    LabPanel,
    MarkerFinding,
    CytogeneticFinding,
    Treatment,
    ResponseAssessment,
    Transplant,
    SupportiveCare,
    OutcomeEvent,
    AdverseEvent,
    FollowUp,
)
