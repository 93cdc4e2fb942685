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
Running it twice adds nothing. A fresh install gets the rules here, after 0002 seeds the rule sets. Like the seed,
it writes no history rows (this migration is their record): history rows written by a migration would be part of
the test database's serialized state, which the append-only audit tables refuse to restore.
"""

from django.db import migrations


def add_fusion_rules(apps, schema_editor):
    RiskRule = apps.get_model("registry", "RiskRule")
    abnormality_rules = RiskRule.objects.filter(
        abnormality__isnull=False, fusion="", kmt2a_rearranged__isnull=True
    ).select_related("abnormality")
    for rule in abnormality_rules.order_by("ruleset_id", "pk"):
        fusion = rule.abnormality.expected_fusion.strip()
        if "::" not in fusion:  # "KMT2A", "NUTM1": a gene, not one fusion
            continue
        RiskRule.objects.get_or_create(
            ruleset_id=rule.ruleset_id,
            abnormality=None,
            fusion=fusion,
            kmt2a_rearranged=None,
            risk_class=rule.risk_class,
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_import_jobs")]

    # Kept on reversal: code before this migration already matched fusion rules the same way.
    operations = [migrations.RunPython(add_fusion_rules, migrations.RunPython.noop)]
