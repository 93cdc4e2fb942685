"""Feeds a case's records to analytics.derive, the one place that decides what an endpoint is."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from analytics import derive as d
from registry import models as m
from registry.choices import LabTimepoint
from registry.validation import CaseState

__all__ = ["case_record", "derive_for_case", "derive_from_state", "risk_ruleset"]

NO_DEFAULT_RULESET = gettext_noop("No risk rule set is marked as default; the data manager sets one in the admin.")


def risk_ruleset(version: str | None = None) -> d.RiskRuleSet:
    """The risk rule table from the database: the given version, else the default one."""
    qs = m.RiskRuleSet.objects.prefetch_related("rules__abnormality")
    ruleset = qs.get(version=version) if version else qs.filter(is_default=True).order_by("-pk").first()
    if ruleset is None:
        raise m.RiskRuleSet.DoesNotExist(gettext(NO_DEFAULT_RULESET))
    rules = tuple(
        d.RiskRule(
            abnormality=rule.abnormality.code if rule.abnormality else None,
            fusion=rule.fusion or None,
            kmt2a_rearranged=rule.kmt2a_rearranged,
            risk_class=rule.risk_class,
        )
        for rule in ruleset.rules.all()
    )
    return d.RiskRuleSet(version=ruleset.version, rules=rules)


def _event_detail(event: m.OutcomeEvent) -> str | None:
    return event.relapse_site or event.death_cause or None


def _implied_fusion(abnormality: m.Abnormality) -> str | None:
    # A t(4;11) on a karyotype names its fusion even when no molecular test spelled it out.
    expected = abnormality.expected_fusion
    return expected if "::" in expected else None


def _finding(finding: m.CytogeneticFinding) -> d.Finding:
    abnormality = finding.abnormality
    return d.Finding(
        method=finding.method,
        sample_date=finding.sample_date,
        abnormality=abnormality.code,
        fusion=finding.fusion or _implied_fusion(abnormality),
        kmt2a_rearranged=abnormality.kmt2a_rearranged,
    )


def _last_follow_up(follow_ups) -> m.FollowUp | None:
    """The latest contact; of several on that day, the one listed last (as a stable sort by date would give)."""
    last = None
    for follow_up in follow_ups:
        if last is None or follow_up.contact_date >= last.contact_date:
            last = follow_up
    return last


def case_record(state: CaseState) -> d.CaseRecord:
    """The plain record analytics.derive reads, built from a case's live records."""
    diagnosis, treatment = state.diagnosis, state.treatment
    baseline = next((p for p in state.labs if p.timepoint == LabTimepoint.BASELINE), None)
    protocol = treatment.protocol if treatment else None
    last = _last_follow_up(state.follow_ups)
    return d.CaseRecord(
        birth_date=state.case.birth_date,
        diagnosis_date=diagnosis.diagnosis_date if diagnosis else None,
        lineage=diagnosis.lineage if diagnosis else None,
        wbc_baseline=baseline.wbc if baseline else None,
        findings=tuple(_finding(f) for f in state.findings),
        protocol=d.Protocol(protocol.name, protocol.version, protocol.lineage, protocol.induction_day)
        if protocol
        else None,
        treatment_start=treatment.start_date if treatment else None,
        steroid_response=(treatment.steroid_response or None) if treatment else None,
        assessments=tuple(
            d.Assessment(
                date=a.assessment_date,
                day=a.day,
                marrow=a.marrow or None,
                mrd_flow_pct=a.mrd_flow_pct,
                mrd_pcr=a.mrd_pcr or None,
                extramedullary_disease=a.extramedullary_disease,
            )
            for a in state.assessments
        ),
        events=tuple(d.Event(kind=e.kind, date=e.event_date, detail=_event_detail(e)) for e in state.events),
        transplant_dates=tuple(t.transplant_date for t in state.transplants),
        last_contact_date=last.contact_date if last else None,
        vital_status=last.vital_status if last else None,
        excluded=state.case.excluded,
    )


def derive_for_case(case: m.Case, *, rules: d.RiskRuleSet | None = None) -> d.DerivedCase:
    return derive_from_state(CaseState.load(case), rules=rules)


def derive_from_state(state: CaseState, *, rules: d.RiskRuleSet | None = None) -> d.DerivedCase:
    """`derive_for_case` for records already loaded (their vocabularies and protocol selected with them)."""
    return d.derive_case(case_record(state), rules=rules or risk_ruleset())
