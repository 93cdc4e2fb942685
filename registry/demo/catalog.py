"""Who and where the demo is: centers in the seeds' countries, and one login per role."""

from __future__ import annotations

from dataclasses import dataclass

from registry.choices import Role

__all__ = ["CENTERS", "CUTOFF_YEAR", "DEMO_REGISTRY_PREFIX", "PEOPLE", "CenterSpec", "PersonSpec", "demo_password"]

# Registry IDs of demo cases: "ILR-D" + a five-digit case number (10 characters). Drawn IDs are "ILR-" + 8
# characters (12), so the two never collide and a demo case is recognised by its ID alone.
DEMO_REGISTRY_PREFIX = "ILR-D"
CUTOFF_YEAR = 2026


@dataclass(frozen=True)
class CenterSpec:
    code: str
    name: str
    city: str
    country: str
    weight: float  # share of the demo cases
    first_year: int  # first year of diagnosis the center contributes


@dataclass(frozen=True)
class PersonSpec:
    username: str
    role: str
    center: str | None  # a center code, or None for a registry-wide role
    first_name: str
    last_name: str
    is_staff: bool = False


CENTERS: tuple[CenterSpec, ...] = (
    CenterSpec("ALA", "Almaty Pediatric Oncohematology Center (demo)", "Almaty", "Kazakhstan", 0.13, 2014),
    CenterSpec("MOW", "Moscow Pediatric Hematology Center (demo)", "Moscow", "Russia", 0.29, 2012),
    CenterSpec("PEK", "Beijing Children's Leukemia Center (demo)", "Beijing", "China", 0.15, 2012),
    CenterSpec("SHA", "Shanghai Children's Hematology Center (demo)", "Shanghai", "China", 0.14, 2013),
    CenterSpec("CAN", "Guangzhou Women and Children's Center (demo)", "Guangzhou", "China", 0.12, 2015),
    CenterSpec("UTR", "Utrecht Pediatric Oncology Center (demo)", "Utrecht", "Netherlands", 0.17, 2012),
)


def _center_people(spec: CenterSpec) -> tuple[PersonSpec, PersonSpec]:
    code = spec.code.lower()
    return (
        PersonSpec(f"{code}.entry", Role.DATA_ENTRY, spec.code, "Data entry", spec.city),
        PersonSpec(f"{code}.lead", Role.CENTER_LEAD, spec.code, "Lead", spec.city),
    )


PEOPLE: tuple[PersonSpec, ...] = (
    *(person for spec in CENTERS for person in _center_people(spec)),
    PersonSpec("coordinator", Role.COORDINATOR, None, "Study", "Coordinator"),
    PersonSpec("datamanager", Role.DATA_MANAGER, None, "Registry", "Data manager", is_staff=True),
)


def demo_password(username: str) -> str:
    """The demo login's password: printed by seed_demo, never to be used outside a demo."""
    return f"demo-{username}-{CUTOFF_YEAR}"
