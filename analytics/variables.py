"""The analysis dataset's variables (analytics.schema), for the data dictionary and the exports' labels.

A column copied from a record takes its label, unit and codes from the import sheet's column (and so from the
model); a derived column names its inputs and rule here, and its codes come from the derive module that makes
them. Only the labels of derived codes are written here, checked against those code lists at import.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from analytics import dataset as ds
from analytics.derive import age, cytogenetics, endpoints, response, risk, settings
from analytics.schema import LAB_NAMES, PRESENTATION_COLUMNS
from analytics.schema import TABLES as SCHEMA_TABLES
from registry import models as m
from registry.choices import DeathCause, EventKind, Exclusion, LabTimepoint
from registry.dictionary import DERIVED, Variable, entered_variables
from registry.marked_codes import code, plain
from registry.transfer.sheets import Kind
from registry.transfer.units import UNIT_WORDS

__all__ = ["TABLES", "dataset_variables", "variables_by_table"]

TABLES = tuple(SCHEMA_TABLES)
_lower = lazy(lambda text: str(text).lower(), str)  # a time point's label inside a column's label
NO_LABEL = "No label for the derived code(s) {codes} of {name}."


def _labelled(name: str, codes: tuple, labels: dict) -> tuple[tuple[str, str], ...]:
    """(code, label) pairs for a derive module's code list; every code must have a label, and no label more."""
    keys = [str(code) for code in codes]
    if set(keys) != set(labels):
        raise ValueError(NO_LABEL.format(codes=sorted(set(keys) ^ set(labels)), name=name))
    return tuple((key, labels[key]) for key in keys)


AGE_CLASS_CODES = _labelled(
    "age_class",
    age.AGE_CLASSES,
    {
        "CAL": format_lazy(_("Congenital: 0-{days} days"), days=age.CAL_MAX_DAYS),
        "early_infant": format_lazy(_("Early infant: {days} days to 3 calendar months"), days=age.CAL_MAX_DAYS + 1),
        "infant": format_lazy(_("Infant: over 3 calendar months, up to {days} days"), days=age.INFANT_MAX_DAYS),
        "older": format_lazy(_("Older: {days} days and more"), days=age.INFANT_MAX_DAYS + 1),
        "unknown": _("Unknown"),
    },
)
KMT2A_STATUS_CODES = _labelled(
    "kmt2a_status",
    cytogenetics.KMT2A_STATUSES,
    {
        "rearranged": _("KMT2A rearranged"),
        "germline": _("KMT2A germline (a test of the locus found no rearrangement)"),
        "not_tested": _("Not tested (no finding examines the KMT2A locus)"),
        "unknown": _("Unknown (no finding recorded)"),
    },
)
KMT2A_PARTNER_CODES = _labelled(
    "kmt2a_partner",
    cytogenetics.KMT2A_PARTNER_CODES,
    {
        "unknown_partner": _("Rearranged with an unknown partner, t(?;11q23)"),
        "unknown": _("Unknown"),
        "not_applicable": _("Not applicable (KMT2A not known to be rearranged)"),
    },
)
RISK_CLASS_CODES = _labelled(
    "risk_class",
    cytogenetics.RISK_CLASS_CODES,
    {
        "favorable": _("Favorable"),
        "intermediate": _("Intermediate"),
        "unfavorable": _("Unfavorable"),
        "unknown": _("Unknown"),
    },
)
INTERFANT_CODES = _labelled(
    "interfant_risk",
    risk.INTERFANT06_GROUPS,
    {
        "low": _("Low (KMT2A germline)"),
        "medium": _("Medium (KMT2A-r, not high risk)"),
        "high": format_lazy(
            _("High (KMT2A-r, under 6 months, WBC >= {wbc} or poor steroid response)"),
            wbc=f"{risk.INTERFANT06_WBC_THRESHOLD:g}",
        ),
        "unknown": _("Unknown"),
        "not_applicable": format_lazy(_("Not applicable (not ALL on {protocol})"), protocol=risk.INTERFANT06_NAME),
    },
)
CR_STATUS_CODES = _labelled(
    "cr_status",
    response.CR_STATUSES,
    {
        "CR": _("Complete remission at the end of induction"),
        "no_CR": _("No complete remission (induction failure)"),
        "induction_death": _("Death during induction"),
        "unknown": _("Unknown"),
    },
)
EFS_FIRST_EVENT_CODES = _labelled(
    "efs_first_event",
    endpoints.EFS_FIRST_EVENTS,
    {
        "induction_failure": _("Induction failure"),
        "relapse": _("Relapse"),
        "second_malignancy": _("Second malignancy"),
        "induction_death": _("Death during induction"),
        "death": _("Death"),
        "censored": _("Censored (no event)"),
    },
)
DATING_CODES = _labelled(
    "efs_induction_failure_dating",
    settings.INDUCTION_FAILURE_DATINGS,
    {
        "day0": _("Induction failure dated at day 0"),
        "event_date": _("Induction failure dated at its event or assessment"),
    },
)
CIR_STATUS_CODES = _labelled(
    "cir_status",
    endpoints.CIR_STATUSES,
    {
        "included": _("Included (in CR at the end of induction)"),
        "excluded": _("Excluded (never in CR after induction: not at risk of relapse)"),
        "unknown": _("Unknown"),
    },
)
CIR_EVENT_CODES = _labelled(
    "cir_event",
    (endpoints.CIR_CENSORED, endpoints.CIR_RELAPSE, endpoints.CIR_DEATH_IN_REMISSION),
    {
        str(endpoints.CIR_CENSORED): _("Censored"),
        str(endpoints.CIR_RELAPSE): _("Relapse"),
        str(endpoints.CIR_DEATH_IN_REMISSION): _("Death in remission"),
    },
)
EVENT_CODES = (("0", _("Censored")), ("1", _("Event")))
OS_EVENT_CODES = (("0", _("Censored (alive at last contact)")), ("1", _("Death from any cause")))

_DAYS = UNIT_WORDS["days"]
_EXCLUDED_NO_REASON = _("Excluded, no reason")
_REASON = _("Why the value before it is unknown or not applicable (empty when it is known).")
_EVENT_DAYS_REASON = _(
    "Why the time before it is empty although the event is recorded (or cannot be ruled out); empty when the "
    "event is dated or did not happen."
)


def _picker(variables: list[Variable]):
    """entered(sheet, column): the variable of an import column as a dataset column (same label, unit, codes)."""
    index = {(v.table, v.name): v for v in variables}

    def entered(sheet_name: str, column: str, **changes) -> Variable:
        return replace(index[(sheet_name, column)], required="", **changes)

    return entered


def _derived(name: str, label: str, kind: str, derived_from: str, **fields) -> Variable:
    return Variable(
        name=name, label=label, table="cases", kind=kind, source=DERIVED, derived_from=derived_from, **fields
    )


def _reason(name: str, of: str, derived_from: str) -> Variable:
    return _derived(name, format_lazy(_("Reason: {of}"), of=of), Kind.TEXT, derived_from, description=_REASON)


def _case_key(table: str) -> Variable:
    return Variable(
        name="case_key",
        label=_("Registry ID"),
        table=table,
        kind=Kind.TEXT,
        source=DERIVED,
        derived_from=_("the case's registry ID, given at registration (pseudonymous: no hospital number, no name)"),
    )


def _center(table: str) -> Variable:
    return Variable(
        name="center",
        label=_("Center code"),
        table=table,
        kind=Kind.TEXT,
        source=DERIVED,
        derived_from=_("the code of the center that registered the case"),
    )


def _case_variables(entered) -> dict[str, Variable]:
    variables = [
        _case_key("cases"),
        _center("cases"),
        entered("cases", "sex"),
        _derived(
            "diagnosis_year",
            _("Year of diagnosis"),
            Kind.INTEGER,
            _("the year of the diagnosis record's diagnosis date (the date itself is left out)"),
        ),
        entered("diagnosis", "lineage"),
        entered("diagnosis", "subtype"),
        entered("diagnosis", "fab"),
        entered("diagnosis", "cns_status"),
        entered("cases", "down_syndrome"),
        _derived(
            "exclusion_reason",
            _("Exclusion reason"),
            Kind.CODE,
            format_lazy(
                _(
                    "the case's exclusion reason when it is excluded ('{label}' if none was given); empty when the "
                    "case is not excluded"
                ),
                label=_EXCLUDED_NO_REASON,
            ),
            codes=(*((str(c), t) for c, t in Exclusion.choices), (ds.EXCLUDED_NO_REASON, _EXCLUDED_NO_REASON)),
        ),
        _derived(
            "protocol",
            _("Protocol"),
            Kind.TEXT,
            _("the name (without version) of the treatment record's protocol"),
            codes=_protocol_names(),
        ),
        entered("treatment", "steroid_response"),
        _derived(
            "wbc_ge_300",
            format_lazy(_("WBC at diagnosis >= {wbc} x10^9/L"), wbc=f"{ds.WBC_HIGH:g}"),
            Kind.BOOLEAN,
            format_lazy(
                _("the WBC of the laboratory panel at diagnosis, >= {wbc}; empty when not recorded"),
                wbc=f"{ds.WBC_HIGH:g}",
            ),
        ),
        _derived(
            "trm",
            _("Treatment-related death"),
            Kind.BOOLEAN,
            format_lazy(_("yes when a death event has the cause '{cause}'"), cause=DeathCause(ds.TRM_CAUSE).label),
        ),
        entered(
            "outcome_events",
            "death_cause",
            source=DERIVED,
            derived_from=format_lazy(
                _("the cause of the earliest death event (kind '{death}' or '{induction_death}') of the case"),
                death=EventKind.DEATH.label,
                induction_death=EventKind.INDUCTION_DEATH.label,
            ),
        ),
        entered(
            "outcome_events",
            "relapse_site",
            source=DERIVED,
            derived_from=format_lazy(
                _("the site of the earliest event of kind '{kind}'"), kind=EventKind.RELAPSE.label
            ),
        ),
        _derived("hsct", _("Stem cell transplant"), Kind.BOOLEAN, _("yes when the case has a transplant record")),
        _derived(
            "alive_followed_12m",
            _("Alive and followed in the last 12 months"),
            Kind.BOOLEAN,
            format_lazy(
                _(
                    "alive, with a follow-up contact in the {days} days before the first day of the data cut's month; "
                    "empty when the child died"
                ),
                days=ds.FOLLOWED_DAYS,
            ),
        ),
        _derived(
            "n_open_queries",
            _("Open data queries"),
            Kind.INTEGER,
            _("the number of open data-quality queries on the case"),
            minimum=0,
        ),
        _derived(
            "n_error_findings",
            _("Open error findings"),
            Kind.INTEGER,
            _("the number of open error-level data-quality findings on the case"),
            minimum=0,
        ),
        *_derived_row_variables(entered),
    ]
    for name in PRESENTATION_COLUMNS:
        variables.append(entered("diagnosis", name))
    for timepoint, suffix in ((LabTimepoint.BASELINE, "baseline"), (LabTimepoint.POST_INDUCTION, "post")):
        for name in LAB_NAMES:
            base = entered("laboratory", name)
            variables.append(
                replace(
                    base,
                    name=f"lab_{name}_{suffix}",
                    label=format_lazy("{label}, {timepoint}", label=base.label, timepoint=_lower(timepoint.label)),
                    description=_lab_description(timepoint, base.description),
                )
            )
    return {v.name: replace(v, table="cases") for v in variables}


def _lab_description(timepoint: LabTimepoint, description: str):
    """Where a dataset's lab column comes from, then what the entered column says of its values."""
    source = format_lazy(_("From the laboratory panel of time point '{timepoint}'."), timepoint=timepoint.label)
    return format_lazy("{source} {description}", source=source, description=description) if description else source


def _derived_row_variables(entered) -> list[Variable]:
    age_rule = _("diagnosis date - birth date, in days")
    kmt2a_rule = _("the case's cytogenetic and molecular findings (abnormality's KMT2A flag, fusion, method)")
    response_rule = _(
        "response assessments and outcome events at the protocol's end-of-induction day (within the induction "
        "window), the treatment start and the protocol"
    )
    return [
        entered("cases", "excluded"),
        _derived("age_days", _("Age at diagnosis"), Kind.INTEGER, age_rule, unit=_DAYS, minimum=0),
        _derived(
            "age_class",
            _("Age class"),
            Kind.CODE,
            _("diagnosis date - birth date, in days, in calendar months"),
            codes=AGE_CLASS_CODES,
        ),
        _derived(
            "age_lt_6m", _("Under 6 months at diagnosis"), Kind.BOOLEAN, _("diagnosis before birth date + 6 months")
        ),
        _reason("age_reason", _("age"), age_rule),
        _derived("kmt2a_status", _("KMT2A status"), Kind.CODE, kmt2a_rule, codes=KMT2A_STATUS_CODES),
        _derived(
            "kmt2a_partner",
            _("KMT2A partner gene"),
            Kind.TEXT,
            _("the other gene of the KMT2A fusion(s) found; a gene symbol or one of the codes"),
            codes=KMT2A_PARTNER_CODES,
        ),
        _reason("kmt2a_reason", _("KMT2A status"), kmt2a_rule),
        _reason("kmt2a_partner_reason", _("KMT2A partner"), kmt2a_rule),
        _derived(
            "risk_class",
            _("Cytogenetic risk class"),
            Kind.CODE,
            _("the findings matched against the versioned risk rule table (unfavorable wins over favorable)"),
            codes=RISK_CLASS_CODES,
        ),
        _derived("risk_rule_version", _("Risk rule version"), Kind.TEXT, _("the version of the risk rule table used")),
        _reason("risk_reason", _("risk class"), _("the findings")),
        _derived(
            "interfant_risk",
            _("INTERFANT-06 risk group"),
            Kind.CODE,
            _("lineage, protocol, KMT2A status, age under 6 months, baseline WBC and prednisone response"),
            codes=INTERFANT_CODES,
        ),
        _reason("interfant_reason", _("INTERFANT-06 risk group"), _("the inputs of the risk group")),
        _derived("cr_status", _("Response at the end of induction"), Kind.CODE, response_rule, codes=CR_STATUS_CODES),
        _derived(
            "cr",
            _("Complete remission after induction"),
            Kind.BOOLEAN,
            format_lazy(_("yes when {variable} is {code}"), variable=code("cr_status"), code=code("CR")),
        ),
        _derived(
            "cr_time",
            _("Time to the response"),
            Kind.INTEGER,
            _("the date the response was established, in days from the diagnosis date"),
            unit=_DAYS,
        ),
        _derived(
            "cr_assessment_day",
            _("Protocol day of the deciding assessment"),
            Kind.INTEGER,
            _("the assessment's treatment day, or counted from treatment start (day 1)"),
            unit=UNIT_WORDS["day of protocol"],
        ),
        _reason("cr_reason", _("response"), response_rule),
        _derived(
            "os_time",
            _("Overall survival time"),
            Kind.INTEGER,
            _("death, or else the last contact or latest dated event, in days from the diagnosis date"),
            unit=_DAYS,
        ),
        _derived("os_event", _("Overall survival event"), Kind.INTEGER, _("death events"), codes=OS_EVENT_CODES),
        _reason("os_reason", _("overall survival"), _("death events and follow-up contacts")),
        _derived(
            "efs_time",
            _("Event-free survival time"),
            Kind.INTEGER,
            _(
                "the first of induction failure, relapse, second malignancy and death, or end of follow-up, in days "
                "from the diagnosis date"
            ),
            unit=_DAYS,
        ),
        _derived(
            "efs_event",
            _("Event-free survival event"),
            Kind.INTEGER,
            format_lazy(_("as {variable}"), variable=code("efs_first_event")),
            codes=EVENT_CODES,
        ),
        _derived(
            "efs_first_event",
            _("First EFS event"),
            Kind.CODE,
            _("outcome events and the response (the first event; on one day, in the order of the codes)"),
            codes=EFS_FIRST_EVENT_CODES,
        ),
        _derived(
            "efs_induction_failure_dating",
            _("Induction failure dating"),
            Kind.CODE,
            _("the analysis setting used"),
            codes=DATING_CODES,
        ),
        _reason("efs_reason", _("event-free survival"), _("outcome events, response and follow-up")),
        _derived(
            "cir_time",
            _("Time to relapse or competing event"),
            Kind.INTEGER,
            _("the first relapse, or death in remission, or end of follow-up, in days from the diagnosis date"),
            unit=_DAYS,
        ),
        _derived(
            "cir_event",
            _("Relapse / competing event"),
            Kind.INTEGER,
            _("outcome events of cases in CR at the end of induction"),
            codes=CIR_EVENT_CODES,
        ),
        _derived(
            "cir_status",
            _("In the relapse analysis"),
            Kind.CODE,
            _("the response at the end of induction"),
            codes=CIR_STATUS_CODES,
        ),
        _reason("cir_reason", _("relapse analysis"), _("response and outcome events")),
        *_event_day_variables(),
        _derived(
            "induction_window_days",
            _("Induction window"),
            Kind.INTEGER,
            _("the analysis setting: days either side of the protocol's end-of-induction day"),
            unit=_DAYS,
            minimum=0,
        ),
    ]


def _event_days(kind: str, label: str, derived_from: str, reason_from: str) -> list[Variable]:
    return [
        _derived(f"{kind}_days", label, Kind.INTEGER, derived_from, unit=_DAYS, minimum=0),
        _derived(
            f"{kind}_days_reason",
            format_lazy(_("Reason: {of}"), of=label),
            Kind.TEXT,
            reason_from,
            description=_EVENT_DAYS_REASON,
        ),
    ]


def _event_day_variables() -> list[Variable]:
    first = _("the earliest outcome event of kind '{kind}', in days from the diagnosis date")
    cr_status, no_cr = code("cr_status"), code("no_CR")
    return [
        *_event_days(
            "relapse",
            _("Time to first relapse"),
            format_lazy(first, kind=EventKind.RELAPSE.label),
            _("relapse events"),
        ),
        *_event_days(
            "death",
            _("Time to death"),
            format_lazy(
                _(
                    "the death events (kinds '{death}' and '{induction_death}': one date), in days from the diagnosis "
                    "date"
                ),
                death=EventKind.DEATH.label,
                induction_death=EventKind.INDUCTION_DEATH.label,
            ),
            _("death events and the vital status of the last follow-up contact"),
        ),
        *_event_days(
            "second_malignancy",
            _("Time to second malignancy"),
            format_lazy(first, kind=EventKind.SECOND_MALIGNANCY.label),
            _("second malignancy events"),
        ),
        *_event_days(
            "induction_failure",
            _("Time to induction failure"),
            format_lazy(
                _(
                    "when {variable} is {code}: 0 under the '{setting}' setting ({setting_variable}), else the "
                    "induction-failure event's date or the end-of-induction assessment's, as EFS dates it, in days "
                    "from the diagnosis date"
                ),
                variable=cr_status,
                code=no_cr,
                setting=code("day0"),
                setting_variable=code("efs_induction_failure_dating"),
            ),
            _("the response at the end of induction"),
        ),
        *_event_days(
            "hsct",
            _("Time to first stem cell transplant"),
            _("the earliest transplant record, in days from the diagnosis date"),
            _("transplant records"),
        ),
    ]


def _assessment_variables(entered) -> dict[str, Variable]:
    variables = [
        _case_key("assessments"),
        _center("assessments"),
        Variable(
            name="days",
            label=_("Days from diagnosis to the assessment"),
            table="assessments",
            kind=Kind.INTEGER,
            source=DERIVED,
            derived_from=_(
                "the assessment date, in days from the diagnosis date (empty when the diagnosis date is missing)"
            ),
            unit=_DAYS,
        ),
        entered("response", "day"),
        entered("response", "marrow"),
        entered("response", "marrow_blasts"),
        entered("response", "mrd_flow_pct"),
        entered("response", "mrd_pcr"),
    ]
    return {v.name: replace(v, table="assessments") for v in variables}


def _finding_variables(entered) -> dict[str, Variable]:
    variables = [
        _case_key("findings"),
        _center("findings"),
        entered("diagnosis", "lineage"),
        entered("cytogenetics", "method"),
        entered("cytogenetics", "abnormality"),
        Variable(
            name="abnormality_label",
            label=_("Abnormality (label)"),
            table="findings",
            kind=Kind.TEXT,
            source=DERIVED,
            derived_from=_("the label of the finding's abnormality in the vocabulary"),
        ),
        Variable(
            name="fusion",
            label=_("Fusion"),
            table="findings",
            kind=Kind.TEXT,
            source=DERIVED,
            derived_from=_("5' gene::3' gene of the finding, or else the fusion its abnormality implies"),
        ),
    ]
    return {v.name: replace(v, table="findings") for v in variables}


def _adverse_event_variables(entered) -> dict[str, Variable]:
    variables = [
        _case_key("adverse_events"),
        _center("adverse_events"),
        entered("adverse_events", "event_type"),
        Variable(
            name="event_label",
            label=_("Adverse event (label)"),
            table="adverse_events",
            kind=Kind.TEXT,
            source=DERIVED,
            derived_from=_("the label of the event type in the vocabulary"),
        ),
        entered("adverse_events", "grade"),
        entered("adverse_events", "phase"),
    ]
    return {v.name: replace(v, table="adverse_events") for v in variables}


def _protocol_names() -> tuple[tuple[str, str], ...]:
    names = dict.fromkeys(name for name in m.Protocol.objects.order_by("name").values_list("name", flat=True))
    return tuple((name, name) for name in names)


def variables_by_table(*, marked: bool = False) -> dict[str, dict[str, Variable]]:
    """Each dataset table's variables by column name, in the active language (reads the vocabulary tables: call
    once per export).

    The descriptions (``derived_from``, ``description``) name columns and values as they are; ``marked`` keeps
    them marked as code (``registry.marked_codes``) for a page to show them so.
    """
    entered = _picker(entered_variables())
    tables = {
        "cases": _case_variables(entered),
        "findings": _finding_variables(entered),
        "adverse_events": _adverse_event_variables(entered),
        "assessments": _assessment_variables(entered),
    }
    return {
        table: {name: _in_language(v, marked=marked) for name, v in columns.items()}
        for table, columns in tables.items()
    }


def _in_language(variable: Variable, *, marked: bool) -> Variable:
    """The variable's words as text of the active language (files and sheets take text, not lazy translations)."""
    words = str if marked else plain
    return replace(
        variable,
        label=str(variable.label),
        unit=str(variable.unit),
        derived_from=words(variable.derived_from),
        description=words(variable.description),
        codes=tuple((str(code), str(label)) for code, label in variable.codes),
    )


def dataset_variables(*, marked: bool = False) -> list[Variable]:
    """Every column of the analysis dataset (``analytics.schema.TABLES``: each table's columns), in order, in the
    active language (``marked``: as ``variables_by_table``)."""
    tables = variables_by_table(marked=marked)
    return [tables[table][name] for table, columns in SCHEMA_TABLES.items() for name in columns]
