"""The report's words in the reader's language, and the labels of the codes the report shows.

Every text of a report goes through ``gettext`` here: Django's translation of the active language (the worker
renders a run under ``translation.override(run.language)``), or the English source itself when Django is not
configured (the statistics core and its command line run without it). Codes never reach a reader: ``label``
turns a dataset value (a lineage, an age class, an exclusion reason, a flag) into its label, and
``variable_label`` a column name (a sign at diagnosis, a laboratory test) into the data dictionary's words.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = [
    "decimal_comma",
    "gettext",
    "gettext_noop",
    "label",
    "language",
    "ngettext",
    "number",
    "pgettext",
    "variable_label",
    "yes_no",
]


def _django_ready() -> bool:
    try:
        from django.conf import settings

        return bool(settings.configured)
    except ImportError:  # pragma: no cover - Django is always installed with the registry
        return False


def gettext(message: str) -> str:
    """``message`` in the active language (the English source without Django)."""
    if not _django_ready():
        return message
    from django.utils.translation import gettext as _gettext

    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the active language."""
    if not _django_ready():
        return singular if n == 1 else plural
    from django.utils.translation import ngettext as _ngettext

    return _ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the active language, translated in ``context`` (one English word, two Russian senses)."""
    if not _django_ready():
        return message
    from django.utils.translation import pgettext as _pgettext

    return _pgettext(context, message)


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalog; translated later, when shown."""
    return message


def language() -> str:
    """The active language code ("en" without Django)."""
    if not _django_ready():
        return "en"
    from django.utils.translation import get_language

    return get_language() or "en"


def decimal_comma() -> bool:
    """True when the active language writes decimals with a comma (Russian)."""
    return language().split("-")[0] == "ru"


def number(value: Any, decimals: int = 2) -> str:
    """``value`` with ``decimals`` decimals and the language's decimal mark ("1.25" / "1,25")."""
    text = f"{float(value):.{decimals}f}"
    return text.replace(".", ",") if decimal_comma() else text


def yes_no(value: Any) -> str:
    """ "Yes", "No", or "Unknown" for a flag."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return gettext("Unknown")
    return gettext("Yes") if value else gettext("No")


# -- Labels of the codes a report shows ------------------------------------------------------------------------
_LINEAGE_SHORT = {
    "ALL": gettext_noop("ALL"),
    "AML": gettext_noop("AML"),
    "MPAL": gettext_noop("MPAL"),
    "unspecified": gettext_noop("Unspecified lineage"),
    "unknown": gettext_noop("Lineage unknown"),
}
_LINEAGE = {
    "ALL": gettext_noop("Acute lymphoblastic leukemia"),
    "AML": gettext_noop("Acute myeloid leukemia"),
    "MPAL": gettext_noop("Ambiguous lineage / MPAL"),
    "unspecified": gettext_noop("Unspecified"),
}
_SEX = {"M": gettext_noop("Male"), "F": gettext_noop("Female"), "U": gettext_noop("Unknown / undetermined")}
_AGE_CLASS = {
    "CAL": gettext_noop("Congenital (0-28 days)"),
    "early_infant": gettext_noop("Early infant (29 days to 3 months)"),
    "infant": gettext_noop("Infant (3 months to 1 year)"),
    "older": gettext_noop("Older than 1 year"),
}
_RISK = {
    "favorable": gettext_noop("Favorable"),
    "intermediate": gettext_noop("Intermediate"),
    "unfavorable": gettext_noop("Unfavorable"),
}
_KMT2A_STATUS = {
    "rearranged": gettext_noop("KMT2A rearranged"),
    "germline": gettext_noop("KMT2A germline"),
    "not_tested": gettext_noop("KMT2A not tested"),
}
_KMT2A_PARTNER = {
    "unknown_partner": gettext_noop("Unknown partner"),
    "not_applicable": gettext_noop("Not applicable"),
}
_CR_STATUS = {
    "CR": gettext_noop("Complete remission"),
    "no_CR": gettext_noop("No complete remission"),
    "induction_death": gettext_noop("Death during induction"),
}
_EXCLUSION = {
    "ds_tam": gettext_noop("Down syndrome with TAM/TMD resolving without chemotherapy"),
    "secondary": gettext_noop("Secondary leukemia"),
    "other_malignancy": gettext_noop("Another malignancy"),
    "no_cytogenetics": gettext_noop("No cytogenetic or molecular data at diagnosis"),
    "induction_not_completed": gettext_noop("Induction not completed for non-medical reasons"),
    "chemo_refused": gettext_noop("Chemotherapy refused"),
    "excluded": gettext_noop("Excluded, no reason given"),
}
_BY_COLUMN: dict[str, dict[str, str]] = {
    "lineage": _LINEAGE,
    "lineage_short": _LINEAGE_SHORT,
    "sex": _SEX,
    "age_class": _AGE_CLASS,
    "risk_class": _RISK,
    "kmt2a_status": _KMT2A_STATUS,
    "kmt2a_partner": _KMT2A_PARTNER,
    "cr_status": _CR_STATUS,
    "exclusion_reason": _EXCLUSION,
}
_FLAGS = {"yes": gettext_noop("Yes"), "no": gettext_noop("No"), "unknown": gettext_noop("Unknown")}

_VARIABLES = {
    # Signs at diagnosis (registry.models.Diagnosis)
    "weakness": gettext_noop("Weakness / lethargy"),
    "fever": gettext_noop("Fever"),
    "poor_appetite": gettext_noop("Poor appetite"),
    "weight_loss": gettext_noop("Weight loss"),
    "anemic_syndrome": gettext_noop("Anemic syndrome"),
    "intoxication_syndrome": gettext_noop("Intoxication syndrome"),
    "lymphadenopathy": gettext_noop("Lymphadenopathy"),
    "hepatosplenomegaly": gettext_noop("Hepatosplenomegaly"),
    "hemorrhagic_syndrome": gettext_noop("Hemorrhagic syndrome"),
    "leukemia_cutis": gettext_noop("Leukemia cutis"),
    "testicular_involvement": gettext_noop("Testicular involvement"),
    # The laboratory panel (registry.labs)
    "wbc": gettext_noop("WBC"),
    "hemoglobin": gettext_noop("Hemoglobin"),
    "platelets": gettext_noop("Platelets"),
    "peripheral_blasts": gettext_noop("Peripheral blasts"),
    "ldh": gettext_noop("LDH"),
    "alt": gettext_noop("ALT"),
    "ast": gettext_noop("AST"),
    "creatinine": gettext_noop("Creatinine"),
    "total_protein": gettext_noop("Total protein"),
    "albumin": gettext_noop("Albumin"),
    "prothrombin_index": gettext_noop("Prothrombin index"),
    "inr": gettext_noop("INR"),
    "fibrinogen": gettext_noop("Fibrinogen"),
    "d_dimer": gettext_noop("D-dimer"),
    "marrow_blasts": gettext_noop("Marrow blasts"),
    "mature_neutrophils": gettext_noop("Mature neutrophils in myelogram"),
    "csf_cells": gettext_noop("CSF cells"),
    "csf_protein": gettext_noop("CSF protein"),
    "csf_glucose": gettext_noop("CSF glucose"),
    # Derived covariates of the models
    "age_lt_6m": gettext_noop("Under 6 months at diagnosis"),
    "wbc_ge_300": gettext_noop("WBC at diagnosis >= 300 x10^9/L"),
    "sex": gettext_noop("Sex"),
    "age_class": gettext_noop("Age class"),
    "age_days": gettext_noop("Age at diagnosis"),
    "lineage": gettext_noop("Lineage"),
    "risk_class": gettext_noop("Cytogenetic risk class"),
    "kmt2a_status": gettext_noop("KMT2A status"),
    "kmt2a_partner": gettext_noop("KMT2A partner gene"),
    "cr_status": gettext_noop("Response at the end of induction"),
    "trm": gettext_noop("Treatment-related (TRM)"),
    "unfavorable": gettext_noop("Unfavorable cytogenetics"),
}


def label(column: str, value: Any) -> str:
    """The label of a dataset value of ``column`` in the active language.

    Flags ("yes"/"no"/"unknown", True/False/None) read "Yes"/"No"/"Unknown"; a code of a known column reads its
    label; anything else (a protocol name, a gene symbol, a center code: data, not codes) is returned as it is.
    """
    if value is None or isinstance(value, bool):
        return yes_no(value)
    text = str(value)
    known = _BY_COLUMN.get(column, {})
    if text in known:
        return gettext(known[text])
    if text in _FLAGS:
        return gettext(_FLAGS[text])
    return text


def variable_label(name: str) -> str:
    """The data dictionary's words for a dataset column (a sign at diagnosis, a laboratory test)."""
    if name in _VARIABLES:
        return gettext(_VARIABLES[name])
    return name.replace("_", " ").capitalize()


# -- Names of the statistical methods (analytics.core writes them in English) ----------------------------------
_METHODS = (
    gettext_noop("Kaplan-Meier"),
    gettext_noop("log-rank test"),
    gettext_noop("log-rank test (R survdiff)"),
    gettext_noop("stratified log-rank test"),
    gettext_noop("stratified log-rank test, strata summed (R survdiff)"),
    gettext_noop("Cox proportional hazards"),
    gettext_noop("Cox proportional hazards, Efron ties"),
    gettext_noop("Cox proportional hazards, Efron ties, stratified by center"),
    gettext_noop("Cox proportional hazards, Breslow ties"),
    gettext_noop("Cox proportional hazards, Breslow ties, stratified by center"),
    gettext_noop("Wald/LR/score tests"),
    gettext_noop("Harrell's concordance"),
    gettext_noop("PH test as R's cox.zph"),
    gettext_noop("Gray's test"),
    gettext_noop("Fisher's exact test"),
    gettext_noop("Pearson's chi-square test"),
    gettext_noop("paired t-test"),
    gettext_noop("Wilcoxon signed-rank test"),
    gettext_noop("Welch's t-test"),
    gettext_noop("Mann-Whitney U test"),
    gettext_noop("odds ratio with Woolf (logit) CI"),
    gettext_noop("Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling of log hazard ratios"),
    gettext_noop("Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling of log odds ratios"),
    gettext_noop("n (%) of non-missing values"),
    gettext_noop("mean ± SD if Shapiro-Wilk p >= 0.05, else median [Q1; Q3] (quartiles: R type 7)"),
    gettext_noop("median [Q1; Q3]"),
    gettext_noop("mean ± SD"),
    gettext_noop("n (%)"),
    gettext_noop("counts"),
)
# Methods whose text carries a setting (the CI transform and level).
_METHOD_PATTERNS = (
    (
        re.compile(r"Kaplan-Meier with Greenwood variance, (?P<transform>\S+) (?P<level>\d+%) pointwise CI"),
        gettext_noop("Kaplan-Meier with Greenwood variance, {transform} {level} pointwise CI"),
    ),
    (
        re.compile(
            r"Aalen-Johansen cumulative incidence of cause 1 \(competing cause 2\), infinitesimal-jackknife "
            r"standard error \(as survival::survfit\), (?P<transform>\S+) (?P<level>\d+%) CI"
        ),
        gettext_noop(
            "Aalen-Johansen cumulative incidence of relapse (death in remission competing), infinitesimal-jackknife "
            "standard error (as R's survival::survfit), {transform} {level} CI"
        ),
    ),
)
# "; " separates the parts of a method, except inside brackets ("median [Q1; Q3]").
_PARTS = re.compile(r";\s(?![^\[]*\])")


def transform_name(code: Any) -> str:
    """The name of a confidence-interval transform ("log-log", "log", "plain") in the active language."""
    names = {
        "log-log": pgettext("confidence interval transform", "log-log"),
        "log": pgettext("confidence interval transform", "log"),
        "plain": pgettext("confidence interval transform", "plain"),
    }
    return names.get(str(code), str(code))


def _one_method(part: str) -> str:
    for pattern, template in _METHOD_PATTERNS:
        found = pattern.fullmatch(part)
        if found:
            values = found.groupdict()
            values["transform"] = transform_name(values["transform"])
            return gettext(template).format(**values)
    return gettext(part)


def method_name(text: Any) -> str:
    """A method as analytics.core names it, in the active language (each "; "-separated part on its own)."""
    if not text:
        return ""
    text = str(text)
    whole = gettext(text)
    if whole != text:
        return whole
    return "; ".join(_one_method(part) for part in _PARTS.split(text))


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def localize_numbers(text: Any) -> Any:
    """A number text made by analytics.core ("12 (30.0%)", "5.1 ± 2.0") with the language's decimal mark."""
    if not isinstance(text, str) or not decimal_comma():
        return text
    return _DECIMAL_POINT.sub(",", text)


def date_text(value: Any) -> str:
    """A date (or ISO date text) as the language writes it (2026-11-21 / 21.11.2026)."""
    from datetime import date, datetime

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if not isinstance(value, (date, datetime)) or not _django_ready():
        return str(value)
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT")


# -- Settings and run facts as sentences ------------------------------------------------------------------------
def dating_sentence(code: Any) -> str:
    """How induction failure is dated, in words."""
    if code == "day0":
        return gettext("Induction failure dated from day 0 of induction")
    if code == "event_date":
        return gettext("Induction failure dated at its event or assessment")
    return gettext("Induction failure dating not recorded") if code in (None, "") else str(code)


def _years_list(times: Any) -> str:
    parts = []
    for days in times or ():
        days = int(days)
        if days % 365 in (0, 1, 2):
            years = round(days / 365.25)
            parts.append(ngettext("{n} year", "{n} years", years).format(n=years))
        else:
            parts.append(ngettext("{n} day", "{n} days", days).format(n=days))
    return ", ".join(parts)


def _conf_type(value: Any) -> str:
    names = {
        "log-log": gettext_noop("log-log transform (R's survival default for these curves)"),
        "log": gettext_noop("log transform"),
        "plain": gettext_noop("no transform (plain)"),
    }
    return gettext(names[value]) if value in names else transform_name(value)


def settings_items(settings: dict[str, Any]) -> list[tuple[str, str]]:
    """A report's settings (``ReportSettings.as_dict()``) as (label, sentence) pairs a reader understands."""
    endpoint = settings.get("endpoint") or {}
    scope = settings.get("center_scope")
    rule = settings.get("rule_version")
    below = int(settings.get("suppress_below", 5))
    items = [
        (gettext("Event-free survival"), dating_sentence(endpoint.get("induction_failure_dating"))),
        (
            gettext("End-of-induction window"),
            ngettext("± {n} day", "± {n} days", int(endpoint.get("induction_window_days", 0) or 0)).format(
                n=int(endpoint.get("induction_window_days", 0) or 0)
            ),
        ),
        (gettext("Confidence intervals"), _conf_type(settings.get("conf_type"))),
        (
            gettext("Cytogenetic risk rule set"),
            gettext("version {version}").format(version=rule) if rule else gettext("the default rule set"),
        ),
        (gettext("Estimates at"), _years_list(settings.get("times"))),
        (
            gettext("Small cells"),
            gettext("Center-level counts from 1 to {k} are hidden").format(k=below - 1)
            if below > 1
            else gettext("No counts hidden"),
        ),
        (
            gettext("Scope"),
            gettext("All centers (pooled)")
            if not scope
            else gettext("Center {center} against the pool").format(center=scope),
        ),
        (gettext("Recorded exclusions applied"), yes_no(settings.get("apply_exclusions", True))),
        (
            gettext("Toxicity"),
            gettext("Adverse events of CTCAE grade {grade} or higher").format(
                grade=settings.get("toxicity_min_grade", 3)
            ),
        ),
    ]
    if scope:
        items.append(
            (gettext("Small-cell rule on the center's own counts"), yes_no(settings.get("suppress_own_center")))
        )
    return items


_META_LABELS = {
    "run_id": gettext_noop("Run"),
    "fingerprint": gettext_noop("Fingerprint (SHA-256 of the input rows and settings)"),
    "code_version": gettext_noop("Code version"),
    "data_cut": gettext_noop("Data cut"),
    "requested_at": gettext_noop("Requested"),
    "generated_at": gettext_noop("Generated"),
    "started_by": gettext_noop("Started by"),
    "filters": gettext_noop("Cases"),
    "language": gettext_noop("Language"),
}
_STARTED_BY = {"schedule": gettext_noop("the schedule"), "user": gettext_noop("a user")}


def _when(value: Any) -> str:
    from datetime import datetime

    if isinstance(value, str) and len(value) > 10 and _django_ready():
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        from django.utils.formats import date_format

        return date_format(moment, "SHORT_DATETIME_FORMAT")
    return date_text(value) if value else ""


def metadata_labels() -> list[str]:
    """The run facts' labels in the active language: the report's own words, never data."""
    return [gettext(label) for label in _META_LABELS.values()]


def metadata_items(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """A report's run facts (``Report.metadata``) as (label, value) pairs: labels, sentences, local dates."""
    items = []
    for key, value in metadata.items():
        if value is None or value == "":
            continue
        name = gettext(_META_LABELS[key]) if key in _META_LABELS else str(key).replace("_", " ").capitalize()
        if key == "started_by":
            text = gettext(_STARTED_BY.get(str(value), str(value)))
        elif key in ("requested_at", "generated_at"):
            text = _when(value)
        elif key == "data_cut":
            text = date_text(value)
        elif isinstance(value, bool):
            text = yes_no(value)
        else:
            text = str(value)
        items.append((name, text))
    return items


# -- Messages of analytics.core a report shows (the fixed ones; a message with values stays as it is) ------------
_CORE_MESSAGES = (
    gettext_noop("no center has an estimable hazard ratio; nothing to pool"),
    gettext_noop("log hazard ratio missing or infinite"),
    gettext_noop("standard error missing, infinite, zero or negative"),
    gettext_noop("no events in this group: S(t) stays at 1 and the median is not reached"),
    gettext_noop("no non-missing values"),
    gettext_noop("no variance: every value is the same, so the test is not defined"),
    gettext_noop("the counts sum to 0; there is nothing to test"),
    gettext_noop("no covariate columns left to fit"),
    gettext_noop("the information matrix is singular: the model cannot be estimated"),
    gettext_noop("the information matrix of the proportional-hazards test is singular"),
    gettext_noop("Shapiro-Wilk not computed: all values are equal"),
    gettext_noop(
        "only one center has an estimable hazard ratio: the pooled HR is that center's, "
        "and there is no heterogeneity to assess"
    ),
    gettext_noop(
        "only one center has an estimable odds ratio: the pooled estimate is that center's, "
        "and there is no heterogeneity to assess"
    ),
    gettext_noop("no center has an estimable odds ratio; nothing to pool"),
    gettext_noop("log odds ratio missing or infinite"),
)


# Messages of analytics.core with a value in them (analytics.core.cox.fit's templates): the pattern that reads the
# value back, and the sentence a reader gets, with the covariate shown by its label.
_COVARIATE = r"covariate '(?P<column>[^']+)'"
_NOT_ESTIMABLE = r"; its coefficient is not estimable \(NaN, R gives NA\)"
_CORE_PATTERNS = (
    (
        re.compile(_COVARIATE + r" has no variance" + _NOT_ESTIMABLE),
        gettext_noop("{column} has the same value in every case analysed: its coefficient cannot be estimated"),
    ),
    (
        re.compile(_COVARIATE + r" does not vary within strata" + _NOT_ESTIMABLE),
        gettext_noop("{column} does not vary within the strata: its coefficient cannot be estimated"),
    ),
    (
        re.compile(_COVARIATE + r" does not vary within any risk set at an event time" + _NOT_ESTIMABLE),
        gettext_noop(
            "{column} does not vary among the cases at risk at any event time: its coefficient cannot be estimated"
        ),
    ),
    (
        re.compile(_COVARIATE + r" is collinear with the others" + _NOT_ESTIMABLE),
        gettext_noop("{column} is determined by the other covariates: its coefficient cannot be estimated"),
    ),
    (
        re.compile(
            r"Loglik converged before variable\(s\) (?P<columns>.+); coefficient may be infinite "
            r"\(R's warning: perfect separation or a group without events\)"
        ),
        gettext_noop(
            "the model's fit stopped improving before the coefficient of {columns} settled: it may be infinite "
            "(a group without events, or perfect separation)"
        ),
    ),
    (
        re.compile(r"Shapiro-Wilk not computed: (?P<n>\d+) value\(s\), it needs at least 3"),
        gettext_noop("Shapiro-Wilk not computed: {n} values, at least 3 are needed"),
    ),
    (
        re.compile(r"Shapiro-Wilk not computed: (?P<n>\d+) values, R's limit is 5000"),
        gettext_noop("Shapiro-Wilk not computed: {n} values, more than R's limit of 5000"),
    ),
    (
        re.compile(r"no events among the (?P<n>\d+) rows analysed: the Cox model cannot be estimated"),
        gettext_noop("no events among the {n} cases analysed: the Cox model cannot be estimated"),
    ),
    (
        re.compile(r"ran out of iterations \((?P<n>\d+)\) and did not converge"),
        gettext_noop("the model did not converge in {n} iterations"),
    ),
    (
        re.compile(r"no rows left to analyse \((?P<n>\d+) dropped for missing values\)"),
        gettext_noop("no case left to analyse ({n} left out for missing values)"),
    ),
)
_CONTINUATIONS = ("its coefficient is not estimable", "coefficient may be infinite")
_WARNING_PREFIX = re.compile(r"^(?:\w+\.)*(?:DegenerateDataWarning|ConvergenceWarning|UserWarning):\s*")


_HR_NOT_ESTIMABLE = "hazard ratio not estimable: "
_OR_NOT_ESTIMABLE = "odds ratio not estimable: "


def _one_core_message(part: str) -> str:
    part = _WARNING_PREFIX.sub("", part)
    if part.startswith(_HR_NOT_ESTIMABLE):  # analytics.core.meta: why a center's HR is left out of the pool
        reason = core_message(part[len(_HR_NOT_ESTIMABLE) :])
        return gettext("hazard ratio not estimable: {reason}").format(reason=reason)
    if part.startswith(_OR_NOT_ESTIMABLE):
        reason = core_message(part[len(_OR_NOT_ESTIMABLE) :])
        return gettext("odds ratio not estimable: {reason}").format(reason=reason)
    translated = gettext(part)
    if translated != part:
        return translated
    for pattern, template in _CORE_PATTERNS:
        found = pattern.fullmatch(part)
        if found:
            values = found.groupdict()
            from .stat_words import term_label  # a Cox dummy ("risk_classunfavorable") as "label: level"

            if "column" in values:
                values["column"] = term_label(values["column"])
            if "columns" in values:
                values["columns"] = ", ".join(term_label(c) for c in values["columns"].split(", "))
            return gettext(template).format(**values)
    return part


def core_message(text: Any) -> str:
    """A message of analytics.core in the active language: a fixed one from the catalog, one with a value (a
    covariate, a count) read back from its template, with the covariate by its label; each "; "-separated part on
    its own (a warning's class name dropped); anything else as it is."""
    if not text:
        return ""
    text = str(text)
    whole = gettext(text)
    if whole != text:
        return whole
    from .stat_words import core_pattern

    found = core_pattern(text)
    if found is not None:
        return found
    parts: list[str] = []
    for part in _PARTS.split(text):
        # A template of analytics.core with "; " of its own ("...has no variance; its coefficient is...").
        if parts and part.startswith(_CONTINUATIONS):
            parts[-1] = f"{parts[-1]}; {part}"
        else:
            parts.append(part)
    return "; ".join(_one_core_message(part) for part in parts)
