"""Shaping findings and queries for a page: what a given user may read of them, and where to correct them."""

from __future__ import annotations

from django.utils.translation import gettext

from registry.access import cases_for
from registry.models import Case, LabPanel
from registry.presentation import dates_policy
from registry.sections import SECTIONS

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Record model -> section slug of the form that edits it (lab panels: by time point, below).
_SECTION_OF = {s.model._meta.label_lower: slug for slug, s in SECTIONS.items() if not s.fixed}
_LAB_SECTION = {s.fixed["timepoint"]: slug for slug, s in SECTIONS.items() if s.model is LabPanel}
# Findings on the case about a record it lacks (field -> section to add it), or about a response to record.
_MISSING = {
    "diagnosis": "diagnosis",
    "wbc": "labs-baseline",
    "labs_post_induction": "labs-post-induction",
    "markers": "immunophenotype",
    "findings": "cytogenetics",
    "treatment": "treatment",
    "response": "response",
    "follow_ups": "follow-up",
}
CASE_FORM = "case"  # the case's own fields are edited on the "child and exclusions" form
_CASE_FIELDS = {f.name for f in Case._meta.fields if f.editable} - {"center"}


def _section(finding, lab_slugs) -> str | None:
    if finding.field in _MISSING and finding.record_model in ("registry.case", "registry.treatment"):
        return _MISSING[finding.field]
    if finding.record_model == "registry.case":
        return CASE_FORM if finding.field in _CASE_FIELDS else None
    if finding.record_model == "registry.labpanel":
        return lab_slugs.get(finding.record_pk)
    return _SECTION_OF.get(finding.record_model)


def finding_subject(finding, *, limit: int = 200) -> str:
    """The subject a query on `finding` is offered, in the active language: the problem found and the record and
    field it sits on ("Laboratory value outside the plausible range (laboratory panel, field 'Hemoglobin')"),
    or only the problem when it is something the case lacks ("Immunophenotype missing"); never the rule's id
    or what the rule checks."""
    from quality.rules import RULES

    rule = RULES.get(finding.rule_id)
    # A rule since retired (its finding open until the next check): its own message says the problem.
    problem = str(rule.problem) if rule is not None and rule.problem else finding.display_message.rstrip(".")
    if finding.record_model == "registry.case" and finding.field not in _CASE_FIELDS:
        subject = problem  # something the case lacks: the problem names it ("Immunophenotype missing")
    else:
        # Translators: a query's subject: the problem found, then the record and field it is about.
        subject = gettext("{problem} ({about})").format(problem=problem, about=finding.about)
    return subject if len(subject) <= limit else subject[: limit - 1].rstrip() + "…"


def sort_findings(findings):
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.rule_id, f.pk))


def present_findings(user, findings, *, with_sections: bool = False) -> list:
    """Attach to each finding what this user may read, in the active language: `text` (the message, or the
    rule's description for users who do not see the case's exact dates: registry.presentation), `peers` (the
    other registrations of a duplicate that lie inside the user's scope, nothing else), and optionally `section`
    (slug of the form to correct it)."""
    from quality.rules import RULES

    findings = list(findings)
    dates = dates_policy(user)
    center_of = dict(Case.objects.filter(pk__in={f.case_id for f in findings}).values_list("pk", "center_id"))
    peer_ids = {pk for f in findings for pk in (f.details or {}).get("case_ids", ())}
    visible = {c.pk: c for c in cases_for(user).filter(pk__in=peer_ids).select_related("center")} if peer_ids else {}
    lab_slugs = {}
    if with_sections:
        lab_pks = [f.record_pk for f in findings if f.record_model == "registry.labpanel"]
        if lab_pks:
            lab_slugs = {
                pk: _LAB_SECTION.get(tp)
                for pk, tp in LabPanel.objects.filter(pk__in=lab_pks).values_list("pk", "timepoint")
            }
    for finding in findings:
        rule = RULES.get(finding.rule_id)
        finding.rule = rule
        # A message quotes the record's values, dates included: only for readers who see the case's exact dates.
        exact = dates.exact_for(center_of[finding.case_id])
        if exact:
            finding.text = finding.display_message
        else:
            finding.text = str(rule.description) if rule else gettext("A rule no longer in use")
        finding.peers = [visible[pk] for pk in (finding.details or {}).get("case_ids", ()) if pk in visible]
        if with_sections:
            finding.section = _section(finding, lab_slugs)
    return findings
