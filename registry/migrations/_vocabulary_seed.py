"""The vocabularies as first seeded. Later changes are made by the data manager in the admin (and audited);
a migration that changes these rows must add to this history, not rewrite it."""

GENES = [
    "KMT2A", "AFF1", "MLLT3", "MLLT1", "MLLT10", "EPS15", "AFDN", "MLLT6", "MLLT11", "ELL", "FLNA", "CLTC",
    "CT45A1", "USP2", "ETV6", "RUNX1", "BCR", "ABL1", "RUNX1T1", "CBFB", "MYH11", "PML", "RARA", "NUTM1", "BRD9",
    "PAX5", "OTHER",
]

# code, label, kmt2a_rearranged, expected_fusion, lineage_only
ABNORMALITIES = [
    ("t(4;11)", "t(4;11)(q21;q23) KMT2A::AFF1", True, "KMT2A::AFF1", ""),
    ("t(9;11)", "t(9;11)(p22;q23) KMT2A::MLLT3", True, "KMT2A::MLLT3", ""),
    ("t(11;19)", "t(11;19)(q23;p13.3) KMT2A::MLLT1", True, "KMT2A::MLLT1", ""),
    ("t(11;19)(q23;p13.1)", "t(11;19)(q23;p13.1) KMT2A::ELL", True, "KMT2A::ELL", ""),
    ("t(10;11)", "t(10;11) KMT2A::MLLT10", True, "KMT2A::MLLT10", ""),
    ("t(1;11)(p32;q23)", "t(1;11)(p32;q23) KMT2A::EPS15", True, "KMT2A::EPS15", ""),
    ("t(1;11)(q21;q23)", "t(1;11)(q21;q23) KMT2A::MLLT11", True, "KMT2A::MLLT11", ""),
    ("t(6;11)", "t(6;11)(q27;q23) KMT2A::AFDN (MLLT4)", True, "KMT2A::AFDN", ""),
    ("t(11;17)", "t(11;17)(q23;q12-21) KMT2A::MLLT6", True, "KMT2A::MLLT6", ""),
    ("kmt2a_other", "Other KMT2A rearrangement (partner named in the fusion)", True, "KMT2A", ""),
    ("t(?;11q23)", "KMT2A rearrangement, partner unknown [t(?;11q23)]", True, "", ""),
    ("no_kmt2a_r", "KMT2A tested, not rearranged (FISH / PCR / RNA-seq)", False, "", ""),
    ("t(12;21)", "t(12;21)(p13;q22) ETV6::RUNX1", None, "ETV6::RUNX1", "ALL"),
    ("t(9;22)", "t(9;22)(q34;q11) BCR::ABL1", None, "BCR::ABL1", ""),
    ("t(8;21)", "t(8;21)(q22;q22) RUNX1::RUNX1T1", None, "RUNX1::RUNX1T1", "AML"),
    ("inv(16)", "inv(16)(p13q22) CBFB::MYH11", None, "CBFB::MYH11", "AML"),
    ("t(15;17)", "t(15;17)(q22;q12) PML::RARA", None, "PML::RARA", "AML"),
    ("nutm1_r", "NUTM1 rearrangement (BRD9::NUTM1 and others)", None, "NUTM1", "ALL"),
    ("pax5_r", "PAX5 rearrangement", None, "PAX5", "ALL"),
    ("normal_karyotype", "Normal karyotype", None, "", ""),
    ("hyperdiploidy", "Hyperdiploidy", None, "", ""),
    ("other", "Other abnormality (describe in ISCN)", None, "", ""),
]

MARKERS = [
    "CD34", "HLA-DR", "CD19", "CD10", "TdT", "CD22", "cyCD79a", "CD13", "CD33", "MPO", "CD117", "CD15", "CD65",
    "CD14", "CD64", "CD7", "cyCD3", "CD41", "CD61", "CD235a", "NG2",
]

ADVERSE_EVENT_TYPES = [
    ("myelotoxic_aplasia", "Myelotoxic aplasia"),
    ("febrile_neutropenia", "Febrile neutropenia"),
    ("toxic_enteropathy", "Toxic enteropathy"),
    ("mucositis", "Mucositis"),
    ("toxic_hepatitis", "Toxic hepatitis"),
    ("hemorrhagic_syndrome", "Hemorrhagic syndrome"),
    ("sepsis", "Sepsis"),
    ("invasive_fungal_infection", "Invasive fungal infection"),
    ("respiratory_infection", "Respiratory infection (incl. RSV)"),
    ("renal_toxicity", "Renal toxicity"),
    ("cns_toxicity", "CNS toxicity"),
    ("other", "Other adverse event"),
]

# name, version, lineage, induction day, description
PROTOCOLS = [
    ("INTERFANT-06", "", "ALL", 33, "Infant ALL; risk groups by KMT2A status, age, WBC and prednisone response."),
    ("MLL-Baby", "", "ALL", 33, "Infant KMT2A-r ALL, chemotherapy + ATRA."),
    ("CCCG-ALL-2015", "", "ALL", 33, "Chinese Children's Cancer Group ALL 2015."),
    ("AML-BFM", "", "AML", 28, "AML-BFM with age-adjusted dosing."),
    ("Institutional / other", "", "any", 33, "Institutional or other protocol; describe the arm."),
]

# version, description, rules as (abnormality code or None, kmt2a_rearranged, risk class). Migration 0008 adds to
# each rule set a rule on the fusion of every abnormality rule (expected_fusion above, e.g. ETV6::RUNX1 for t(12;21)),
# so a fusion typed under "other" matches too; fresh installs get those rules from 0008, not from here.
RISK_RULESETS = [
    (
        "seed000-v1",
        "Seed 000 (Almaty 2018-2023): favorable t(12;21), t(8;21), inv(16); unfavorable t(4;11)/any KMT2A-r, "
        "t(9;22); every other finding intermediate.",
        [
            ("t(12;21)", None, "favorable"),
            ("t(8;21)", None, "favorable"),
            ("inv(16)", None, "favorable"),
            (None, True, "unfavorable"),
            ("t(9;22)", None, "unfavorable"),
        ],
    ),
]

# Russian labels, added by migration 0010 (issue 12). Gene symbols, markers and karyotype notation are the same in
# both languages; only descriptive words are translated. code -> label_ru.
GENE_LABELS_RU = {"OTHER": "Другой (укажите символ гена)"}
ABNORMALITY_LABELS_RU = {
    "kmt2a_other": "Другая перестройка KMT2A (партнёр указан в слиянии)",
    "t(?;11q23)": "Перестройка KMT2A, партнёр неизвестен [t(?;11q23)]",
    "no_kmt2a_r": "KMT2A исследован, перестройки нет (FISH / ПЦР / RNA-seq)",
    "nutm1_r": "Перестройка NUTM1 (BRD9::NUTM1 и другие)",
    "pax5_r": "Перестройка PAX5",
    "normal_karyotype": "Нормальный кариотип",
    "hyperdiploidy": "Гипердиплоидия",
    "other": "Другая аномалия (опишите по ISCN)",
}
ADVERSE_EVENT_LABELS_RU = {
    "myelotoxic_aplasia": "Миелотоксическая аплазия",
    "febrile_neutropenia": "Фебрильная нейтропения",
    "toxic_enteropathy": "Токсическая энтеропатия",
    "mucositis": "Мукозит",
    "toxic_hepatitis": "Токсический гепатит",
    "hemorrhagic_syndrome": "Геморрагический синдром",
    "sepsis": "Сепсис",
    "invasive_fungal_infection": "Инвазивная грибковая инфекция",
    "respiratory_infection": "Респираторная инфекция (в т. ч. РСВ)",
    "renal_toxicity": "Нефротоксичность",
    "cns_toxicity": "Нейротоксичность (ЦНС)",
    "other": "Другое нежелательное явление",
}
# name -> (label_ru, description_ru); a trial's name is not translated (label_ru empty).
PROTOCOLS_RU = {
    "INTERFANT-06": (
        "",
        "ОЛЛ у детей первого года жизни; группы риска по статусу KMT2A, возрасту, лейкоцитозу и ответу на "
        "преднизолон.",
    ),
    "MLL-Baby": ("", "ОЛЛ с перестройкой KMT2A у детей первого года жизни, химиотерапия + ATRA."),
    "CCCG-ALL-2015": ("", "Протокол лечения ОЛЛ Китайской детской онкологической группы (CCCG) 2015 г."),
    "AML-BFM": ("", "AML-BFM с дозами, скорректированными по возрасту."),
    "Institutional / other": (
        "Институциональный / другой протокол",
        "Институциональный или другой протокол; укажите ветвь лечения.",
    ),
}
