"""Fixed clinical codes. Codes that change as science changes (abnormalities, genes, protocols, adverse event
types, risk rules) are vocabulary tables instead: see models/vocabularies.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DATA_ENTRY = "data_entry", _("Center data entry")
    CENTER_LEAD = "center_lead", _("Center lead")
    COORDINATOR = "coordinator", _("Coordinator")
    DATA_MANAGER = "data_manager", _("Registry data manager")


CENTER_ROLES = {Role.DATA_ENTRY, Role.CENTER_LEAD}
REGISTRY_ROLES = {Role.COORDINATOR, Role.DATA_MANAGER}


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown / undetermined")


class Exclusion(models.TextChoices):
    DS_TAM = "ds_tam", _("Down syndrome with TAM/TMD resolving without chemotherapy")
    SECONDARY = "secondary", _("Secondary leukemia")
    OTHER_MALIGNANCY = "other_malignancy", _("Another malignancy")
    NO_CYTOGENETICS = "no_cytogenetics", _("No cytogenetic or molecular data at diagnosis")
    INDUCTION_NOT_COMPLETED = "induction_not_completed", _("Induction not completed for non-medical reasons")
    CHEMO_REFUSED = "chemo_refused", _("Chemotherapy refused")


class Lineage(models.TextChoices):
    ALL = "ALL", _("Acute lymphoblastic leukemia")
    AML = "AML", _("Acute myeloid leukemia")
    MPAL = "MPAL", _("Ambiguous lineage / MPAL")
    UNSPECIFIED = "unspecified", _("Unspecified")


class Subtype(models.TextChoices):
    PRO_B = "pro_b", _("B-precursor: pro-B (BI)")
    COMMON = "common", _("B-precursor: common (BII)")
    PRE_B = "pre_b", _("B-precursor: pre-B (BIII)")
    B_OTHER = "b_other", _("B-precursor: not further specified")
    T_ALL = "t_all", _("T-ALL")
    AML = "aml", _("AML (see FAB)")
    MPAL = "mpal", _("MPAL / ambiguous")


ALL_SUBTYPES = {Subtype.PRO_B, Subtype.COMMON, Subtype.PRE_B, Subtype.B_OTHER, Subtype.T_ALL}


class FAB(models.TextChoices):
    M0 = "M0", _("M0")
    M1 = "M1", _("M1")
    M2 = "M2", _("M2")
    M3 = "M3", _("M3")
    M4 = "M4", _("M4")
    M4EO = "M4Eo", _("M4Eo")
    M5 = "M5", _("M5")
    M6 = "M6", _("M6")
    M7 = "M7", _("M7")


class CNSStatus(models.TextChoices):
    CNS1 = "CNS1", _("CNS1")
    CNS2 = "CNS2", _("CNS2")
    CNS3 = "CNS3", _("CNS3")


class MarkerResult(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    PARTIAL = "partial", _("Partial / dim")


class LabTimepoint(models.TextChoices):
    BASELINE = "baseline", _("At diagnosis")
    POST_INDUCTION = "post_induction", _("After induction")


class GeneticMethod(models.TextChoices):
    KARYOTYPE = "karyotype", _("Karyotype")
    FISH = "fish", _("FISH")
    RT_PCR = "rt_pcr", _("RT-PCR")
    MULTIPLEX_RT_PCR = "multiplex_rt_pcr", _("Multiplex RT-PCR")
    RNA_SEQ = "rna_seq", _("RNA-seq")
    WES = "wes", _("Whole-exome sequencing")
    SANGER = "sanger", _("Sanger sequencing")


class Steroid(models.TextChoices):
    PREDNISONE = "prednisone", _("Prednisone (day 8)")
    DEXAMETHASONE = "dexamethasone", _("Dexamethasone (day 5)")


class SteroidResponse(models.TextChoices):
    GOOD = "good", _("Good")
    POOR = "poor", _("Poor")


class TransplantType(models.TextChoices):
    MATCHED_SIBLING = "matched_sibling", _("Matched sibling")
    UNRELATED = "unrelated", _("Unrelated")
    HAPLOIDENTICAL = "haploidentical", _("Haploidentical")
    CORD = "cord", _("Cord blood")


class RemissionStatus(models.TextChoices):
    CR1 = "CR1", _("First complete remission")
    CR2 = "CR2", _("Second complete remission")
    CR3 = "CR3", _("Third or later remission")
    ACTIVE = "active", _("Active disease")


class Marrow(models.TextChoices):
    M1 = "M1", _("M1 (< 5% blasts)")
    M2 = "M2", _("M2 (5-25% blasts)")
    M3 = "M3", _("M3 (>= 25% blasts)")


class PCRResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive (not quantifiable)")
    LEVEL = "level", _("Positive, level given")


class EventKind(models.TextChoices):
    CR = "cr", _("Complete remission")
    INDUCTION_FAILURE = "induction_failure", _("Induction failure")
    INDUCTION_DEATH = "induction_death", _("Death during induction")
    RELAPSE = "relapse", _("Relapse")
    DEATH = "death", _("Death")
    SECOND_MALIGNANCY = "second_malignancy", _("Second malignancy")
    LOST_TO_FOLLOW_UP = "lost_to_follow_up", _("Lost to follow-up")
    WITHDRAWN = "withdrawn", _("Withdrawn from the registry")


DEATH_KINDS = {EventKind.DEATH, EventKind.INDUCTION_DEATH}


class RelapseSite(models.TextChoices):
    MARROW = "marrow", _("Isolated marrow")
    CNS = "cns", _("Isolated CNS")
    TESTICULAR = "testicular", _("Isolated testicular")
    COMBINED = "combined", _("Combined")
    OTHER_EXTRAMEDULLARY = "other_extramedullary", _("Other extramedullary")


class DeathCause(models.TextChoices):
    LEUKEMIA = "leukemia", _("Leukemia")
    TRM = "trm", _("Treatment-related (TRM)")
    INFECTION = "infection", _("Infection / sepsis")
    MOF = "mof", _("Multi-organ failure")
    OTHER = "other", _("Other")


class TreatmentPhase(models.TextChoices):
    INDUCTION = "induction", _("Induction")
    CONSOLIDATION = "consolidation", _("Consolidation")
    REINDUCTION = "reinduction", _("Reinduction / intensification")
    MAINTENANCE = "maintenance", _("Maintenance")
    HSCT = "hsct", _("HSCT")
    OFF_TREATMENT = "off_treatment", _("Off treatment")


class SupportiveCareKind(models.TextChoices):
    ANTIBACTERIAL = "antibacterial", _("Antibacterial therapy")
    ANTIFUNGAL = "antifungal", _("Antifungal therapy")
    TRANSFUSION = "transfusion", _("Transfusions")
    ELECTROLYTES = "electrolytes", _("Electrolyte correction")
    GCSF = "gcsf", _("G-CSF")
    IMMUNOGLOBULIN = "immunoglobulin", _("Immunoglobulin")


class VitalStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Dead")
