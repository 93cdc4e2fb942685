"""Object graphs for tests. Case data is made through the services, as users make it, so the audit trail and
the entry rules hold in every test."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model

from registry import models as m
from registry.services.cases import case_create
from registry.services.records import RecordChange, records_save

PASSWORD = "a-long-test-password"


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Center
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Faker("company")
    city = factory.Faker("city")
    country = factory.Faker("country")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def member(username: str, role: str, center: m.Center | None = None, **user_fields):
    user = UserFactory(username=username, **user_fields)
    m.Membership.objects.get_or_create(user=user, center=center, role=role)
    return user


def vocab(model, code):
    return model.objects.get(code=code)


def protocol(name: str) -> m.Protocol:
    return m.Protocol.objects.get(name=name)


def make_case(user, center, *, hospital_number: str | None = None, birth=date(2020, 1, 1), **fields) -> m.Case:
    return case_create(
        user=user,
        center=center,
        hospital_number=hospital_number or f"H-{center.code}-{m.Case.objects.count() + 1}",
        sex=fields.pop("sex", "M"),
        birth_date=birth,
        **fields,
    )


def save(user, case, *instances):
    return records_save(user=user, case=case, changes=[RecordChange(i, i.version if i.pk else None) for i in instances])


def make_full_case(user, center, *, birth=date(2020, 1, 1), lineage="ALL") -> m.Case:
    """A complete ALL case: diagnosis at 40 days, KMT2A::AFF1, INTERFANT-06, CR at day 33, alive."""
    case = make_case(user, center, birth=birth)
    dx = birth + timedelta(days=40)
    start = dx + timedelta(days=1)
    save(
        user,
        case,
        m.Diagnosis(case=case, diagnosis_date=dx, lineage=lineage, subtype="pro_b", fever=True, cns_status="CNS1"),
        m.LabPanel(case=case, timepoint="baseline", sample_date=dx, wbc=350.0, hemoglobin=80.0, platelets=40.0),
        m.MarkerFinding(case=case, marker=vocab(m.ImmunoMarker, "CD19"), result="positive"),
        m.CytogeneticFinding(
            case=case,
            method="karyotype",
            sample_date=dx,
            iscn="46,XY,t(4;11)(q21;q23)",
            abnormality=vocab(m.Abnormality, "t(4;11)"),
            gene_5p=vocab(m.Gene, "KMT2A"),
            gene_3p=vocab(m.Gene, "AFF1"),
        ),
        m.Treatment(
            case=case,
            protocol=protocol("INTERFANT-06"),
            start_date=start,
            steroid="prednisone",
            steroid_response="good",
        ),
        m.ResponseAssessment(
            case=case, assessment_date=start + timedelta(days=32), day=33, marrow="M1", marrow_blasts=1.0
        ),
        m.OutcomeEvent(case=case, kind="cr", event_date=start + timedelta(days=32)),
        m.AdverseEvent(
            case=case,
            event_type=vocab(m.AdverseEventType, "febrile_neutropenia"),
            grade=3,
            onset_date=start + timedelta(days=10),
            phase="induction",
        ),
        m.FollowUp(case=case, contact_date=dx + timedelta(days=400), vital_status="alive"),
    )
    return case
