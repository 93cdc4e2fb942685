"""Every risk rule on an abnormality also matches that abnormality's fusion, found by any method.

An ETV6::RUNX1 found only by RT-PCR is recorded with the abnormality "other" and the fusion typed; the rule
sets matched abnormality codes only, so it was classed intermediate. For each abnormality rule whose
abnormality implies a fusion (``Abnormality.expected_fusion``, e.g. t(12;21) -> ETV6::RUNX1), this adds a rule
on that fusion with the same class, in the same rule set.

Why the same versions rather than new ones: a finding recorded with the abnormality code already matched its
rule, and adding rules only adds matches, so a case changes class only if one of its findings carries one of
these fusions without the matching code: typed under "other" (the misclassified cases this fixes), or under a
code its fusion contradicts (reported by DQ-CYTO-004). Every other case keeps the class it had under the same
version, so analyses that recorded a version keep their meaning.

Rules are read from the database, not the seed, so a fusion the data manager corrected is the one used.
Running it twice adds nothing. A fresh install gets the rules here, after 0002 seeds the rule sets.
"""

from django.db import migrations
from django.utils import timezone

CHANGE_REASON = "migration 0008: the abnormality rule also matches its fusion"


def add_fusion_rules(apps, schema_editor):
    RiskRule = apps.get_model("registry", "RiskRule")
    HistoricalRiskRule = apps.get_model("registry", "HistoricalRiskRule")
    now = timezone.now()
    abnormality_rules = RiskRule.objects.filter(
        abnormality__isnull=False, fusion="", kmt2a_rearranged__isnull=True
    ).select_related("abnormality")
    for rule in abnormality_rules.order_by("ruleset_id", "pk"):
        fusion = rule.abnormality.expected_fusion.strip()
        if "::" not in fusion:  # "KMT2A", "NUTM1": a gene, not one fusion
            continue
        new, created = RiskRule.objects.get_or_create(
            ruleset_id=rule.ruleset_id,
            abnormality=None,
            fusion=fusion,
            kmt2a_rearranged=None,
            risk_class=rule.risk_class,
        )
        if created:
            # Migrations do not fire simple_history's signals; the admin's history still shows where it came from.
            HistoricalRiskRule.objects.create(
                id=new.pk,
                ruleset_id=new.ruleset_id,
                abnormality_id=None,
                fusion=new.fusion,
                kmt2a_rearranged=None,
                risk_class=new.risk_class,
                history_date=now,
                history_type="+",
                history_change_reason=CHANGE_REASON,
            )


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_import_jobs")]

    # Kept on reversal: code before this migration already matched fusion rules the same way.
    operations = [migrations.RunPython(add_fusion_rules, migrations.RunPython.noop)]
