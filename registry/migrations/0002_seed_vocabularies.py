from django.db import migrations

from registry.migrations._vocabulary_seed import (
    ABNORMALITIES,
    ADVERSE_EVENT_TYPES,
    GENES,
    MARKERS,
    PROTOCOLS,
    RISK_RULESETS,
)


def seed(apps, schema_editor):
    Gene = apps.get_model("registry", "Gene")
    Abnormality = apps.get_model("registry", "Abnormality")
    ImmunoMarker = apps.get_model("registry", "ImmunoMarker")
    AdverseEventType = apps.get_model("registry", "AdverseEventType")
    Protocol = apps.get_model("registry", "Protocol")
    RiskRuleSet = apps.get_model("registry", "RiskRuleSet")
    RiskRule = apps.get_model("registry", "RiskRule")

    for order, code in enumerate(GENES):
        label = "Other (give the symbol)" if code == "OTHER" else code
        Gene.objects.get_or_create(code=code, defaults={"label": label, "sort_order": order})
    for order, (code, label, kmt2a, fusion, lineage) in enumerate(ABNORMALITIES):
        Abnormality.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "kmt2a_rearranged": kmt2a,
                "expected_fusion": fusion,
                "lineage_only": lineage,
                "sort_order": order,
            },
        )
    for order, code in enumerate(MARKERS):
        ImmunoMarker.objects.get_or_create(code=code, defaults={"label": code, "sort_order": order})
    for order, (code, label) in enumerate(ADVERSE_EVENT_TYPES):
        AdverseEventType.objects.get_or_create(code=code, defaults={"label": label, "sort_order": order})
    for name, version, lineage, day, description in PROTOCOLS:
        Protocol.objects.get_or_create(
            name=name,
            version=version,
            defaults={"lineage": lineage, "induction_day": day, "description": description},
        )
    for version, description, rules in RISK_RULESETS:
        ruleset, created = RiskRuleSet.objects.get_or_create(
            version=version, defaults={"description": description, "is_default": True}
        )
        if not created:
            continue
        for code, kmt2a, risk_class in rules:
            abnormality = Abnormality.objects.get(code=code) if code else None
            RiskRule.objects.create(
                ruleset=ruleset, abnormality=abnormality, kmt2a_rearranged=kmt2a, risk_class=risk_class
            )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
