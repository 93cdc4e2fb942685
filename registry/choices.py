"""Fixed clinical codes. Codes that change as science changes (abnormalities, genes, protocols, adverse event
types, risk rules) are vocabulary tables instead: see models/vocabularies.py."""

from django.db import models


class Role(models.TextChoices):
    DATA_ENTRY = "data_entry", "Center data entry"
    CENTER_LEAD = "center_lead", "Center lead"
    COORDINATOR = "coordinator", "Coordinator"
    DATA_MANAGER = "data_manager", "Registry data manager"


CENTER_ROLES = {Role.DATA_ENTRY, Role.CENTER_LEAD}
REGISTRY_ROLES = {Role.COORDINATOR, Role.DATA_MANAGER}


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown / undetermined"


class Exclusion(models.TextChoices):
    DS_TAM = "ds_tam", "Down syndrome with TAM/TMD resolving without chemotherapy"
    SECONDARY = "secondary", "Secondary leukemia"
    OTHER_MALIGNANCY = "other_malignancy", "Another malignancy"
    NO_CYTOGENETICS = "no_cytogenetics", "No cytogenetic or molecular data at diagnosis"
    INDUCTION_NOT_COMPLETED = "induction_not_completed", "Induction not completed for non-medical reasons"
    CHEMO_REFUSED = "chemo_refused", "Chemotherapy refused"


class Lineage(models.TextChoices):
    ALL = "ALL", "Acute lymphoblastic leukemia"
    AML = "AML", "Acute myeloid leukemia"
    MPAL = "MPAL", "Ambiguous lineage / MPAL"
    UNSPECIFIED = "unspecified", "Unspecified"


class Subtype(models.TextChoices):
    PRO_B = "pro_b", "B-precursor: pro-B (BI)"
    COMMON = "common", "B-precursor: common (BII)"
    PRE_B = "pre_b", "B-precursor: pre-B (BIII)"
    B_OTHER = "b_other", "B-precursor: not further specified"
    T_ALL = "t_all", "T-ALL"
    AML = "aml", "AML (see FAB)"
    MPAL = "mpal", "MPAL / ambiguous"


ALL_SUBTYPES = {Subtype.PRO_B, Subtype.COMMON, Subtype.PRE_B, Subtype.B_OTHER, Subtype.T_ALL}


class FAB(models.TextChoices):
    M0 = "M0", "M0"
    M1 = "M1", "M1"
    M2 = "M2", "M2"
    M3 = "M3", "M3"
    M4 = "M4", "M4"
    M4EO = "M4Eo", "M4Eo"
    M5 = "M5", "M5"
    M6 = "M6", "M6"
    M7 = "M7", "M7"


class CNSStatus(models.TextChoices):
    CNS1 = "CNS1", "CNS1"
    CNS2 = "CNS2", "CNS2"
    CNS3 = "CNS3", "CNS3"


class MarkerResult(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    PARTIAL = "partial", "Partial / dim"


class LabTimepoint(models.TextChoices):
    BASELINE = "baseline", "At diagnosis"
    POST_INDUCTION = "post_induction", "After induction"


class GeneticMethod(models.TextChoices):
    KARYOTYPE = "karyotype", "Karyotype"
    FISH = "fish", "FISH"
    RT_PCR = "rt_pcr", "RT-PCR"
    MULTIPLEX_RT_PCR = "multiplex_rt_pcr", "Multiplex RT-PCR"
    RNA_SEQ = "rna_seq", "RNA-seq"
    WES = "wes", "Whole-exome sequencing"
    SANGER = "sanger", "Sanger sequencing"


class Steroid(models.TextChoices):
    PREDNISONE = "prednisone", "Prednisone (day 8)"
    DEXAMETHASONE = "dexamethasone", "Dexamethasone (day 5)"


class SteroidResponse(models.TextChoices):
    GOOD = "good", "Good"
    POOR = "poor", "Poor"


class TransplantType(models.TextChoices):
    MATCHED_SIBLING = "matched_sibling", "Matched sibling"
    UNRELATED = "unrelated", "Unrelated"
    HAPLOIDENTICAL = "haploidentical", "Haploidentical"
    CORD = "cord", "Cord blood"


class RemissionStatus(models.TextChoices):
    CR1 = "CR1", "First complete remission"
    CR2 = "CR2", "Second complete remission"
    CR3 = "CR3", "Third or later remission"
    ACTIVE = "active", "Active disease"


class Marrow(models.TextChoices):
    M1 = "M1", "M1 (< 5% blasts)"
    M2 = "M2", "M2 (5-25% blasts)"
    M3 = "M3", "M3 (>= 25% blasts)"


class PCRResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive (not quantifiable)"
    LEVEL = "level", "Positive, level given"


class EventKind(models.TextChoices):
    CR = "cr", "Complete remission"
    INDUCTION_FAILURE = "induction_failure", "Induction failure"
    INDUCTION_DEATH = "induction_death", "Death during induction"
    RELAPSE = "relapse", "Relapse"
    DEATH = "death", "Death"
    SECOND_MALIGNANCY = "second_malignancy", "Second malignancy"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up", "Lost to follow-up"
    WITHDRAWN = "withdrawn", "Withdrawn from the registry"


DEATH_KINDS = {EventKind.DEATH, EventKind.INDUCTION_DEATH}


class RelapseSite(models.TextChoices):
    MARROW = "marrow", "Isolated marrow"
    CNS = "cns", "Isolated CNS"
    TESTICULAR = "testicular", "Isolated testicular"
    COMBINED = "combined", "Combined"
    OTHER_EXTRAMEDULLARY = "other_extramedullary", "Other extramedullary"


class DeathCause(models.TextChoices):
    LEUKEMIA = "leukemia", "Leukemia"
    TRM = "trm", "Treatment-related (TRM)"
    INFECTION = "infection", "Infection / sepsis"
    MOF = "mof", "Multi-organ failure"
    OTHER = "other", "Other"


class TreatmentPhase(models.TextChoices):
    INDUCTION = "induction", "Induction"
    CONSOLIDATION = "consolidation", "Consolidation"
    REINDUCTION = "reinduction", "Reinduction / intensification"
    MAINTENANCE = "maintenance", "Maintenance"
    HSCT = "hsct", "HSCT"
    OFF_TREATMENT = "off_treatment", "Off treatment"


class SupportiveCareKind(models.TextChoices):
    ANTIBACTERIAL = "antibacterial", "Antibacterial therapy"
    ANTIFUNGAL = "antifungal", "Antifungal therapy"
    TRANSFUSION = "transfusion", "Transfusions"
    ELECTROLYTES = "electrolytes", "Electrolyte correction"
    GCSF = "gcsf", "G-CSF"
    IMMUNOGLOBULIN = "immunoglobulin", "Immunoglobulin"


class VitalStatus(models.TextChoices):
    ALIVE = "alive", "Alive"
    DEAD = "dead", "Dead"
