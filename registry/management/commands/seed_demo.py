"""`manage.py seed_demo`: a reproducible multicenter demo with logins for every role.

Centers, users and cases are found by center code, username and registry ID ("ILR-D00001"...), so a second
run creates nothing; a larger --cases adds the missing case numbers only. Cases are entered through the
services as each center's data-entry user, so they pass the entry rules and carry a real audit trail.
"""

from __future__ import annotations

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.demo.build import Vocabulary, build_case
from registry.demo.catalog import CENTERS, DEMO_REGISTRY_PREFIX
from registry.demo.cohort import plan_case
from registry.demo.people import ensure_people
from registry.models import Case
from registry.pseudonyms import hospital_number_hash

DEFAULT_CASES = 360
DEFAULT_SEED = 20260101
BATCH = 40
OTHER_SEED_WARNING = (
    "{n} demo case(s) already exist from another --seed; they are kept as they are (registry IDs are per case "
    "number). Use a fresh database to change the seed."
)
_LINEAGES = ("ALL", "AML", "MPAL", "unspecified")


class Command(BaseCommand):
    help = "Create demo centers, users for every role (passwords printed) and synthetic cases. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help=f"number of cases (default {DEFAULT_CASES})"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
        parser.add_argument("--quiet", action="store_true", help="print only the login table")

    def handle(self, *args, cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED, quiet: bool = False, **options):
        if cases < 0 or cases > 99999:
            raise CommandError("--cases must be between 0 and 99999.")
        started = time.monotonic()
        people = ensure_people()
        vocabulary = Vocabulary.load()
        demo_cases = Case.objects.filter(registry_id__startswith=DEMO_REGISTRY_PREFIX)
        existing = dict(demo_cases.values_list("registry_id", "hospital_number_hash"))
        todo, other_seed = [], 0
        for number in range(1, cases + 1):
            plan = plan_case(number, seed=seed, induction_days=vocabulary.induction_days)
            if plan.registry_id not in existing:
                todo.append(plan)
            elif existing[plan.registry_id] != hospital_number_hash(plan.hospital_number):
                other_seed += 1  # same number, other seed: the hospital number carries the seed
        for first in range(0, len(todo), BATCH):
            # One commit per batch rather than per case: on SQLite every commit waits for the disk. A failure
            # rolls back its batch only, and a rerun carries on from there.
            with transaction.atomic():
                for plan in todo[first : first + BATCH]:
                    self._build(plan, people, vocabulary)
            if not quiet:
                self.stdout.write(f"  {min(first + BATCH, len(todo))}/{len(todo)} cases created ...")
        created = len(todo)
        elapsed = time.monotonic() - started

        if other_seed:
            self.stderr.write(OTHER_SEED_WARNING.format(n=other_seed))
        if not quiet:
            self._summary(people, created=created, existing=cases - created, elapsed=elapsed)
        self._logins(people)

    def _build(self, plan, people, vocabulary) -> None:
        try:
            build_case(
                plan,
                center=people.centers[plan.center],
                entry_user=people.entry_users[plan.center],
                lead_user=people.lead_users[plan.center],
                vocabulary=vocabulary,
            )
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

    def _summary(self, people, *, created: int, existing: int, elapsed: float) -> None:
        write = self.stdout.write
        write(
            f"Demo data: {people.created_centers} center(s) and {people.created_users} user(s) created, "
            f"{created} case(s) created, {existing} already present ({elapsed:.1f} s)."
        )
        demo = Case.objects.filter(registry_id__startswith=DEMO_REGISTRY_PREFIX)
        counts = Counter(demo.values_list("center__code", "diagnosis__lineage"))
        excluded = Counter(demo.filter(excluded=True).values_list("center__code", flat=True))
        write("")
        header = f"{'center':<8}{'city':<12}{'country':<13}" + "".join(f"{x:>13}" for x in _LINEAGES)
        write(header + f"{'excluded':>10}{'total':>8}")
        for spec in CENTERS:
            row = [counts[(spec.code, lineage)] for lineage in _LINEAGES]
            write(
                f"{spec.code:<8}{spec.city:<12}{spec.country:<13}"
                + "".join(f"{n:>13}" for n in row)
                + f"{excluded[spec.code]:>10}{sum(row):>8}"
            )
        totals = [sum(counts[(spec.code, lineage)] for spec in CENTERS) for lineage in _LINEAGES]
        write(f"{'all':<33}" + "".join(f"{n:>13}" for n in totals) + f"{sum(excluded.values()):>10}{sum(totals):>8}")
        write("")

    def _logins(self, people) -> None:
        rows = people.login_rows()
        widths = [max(len(row[i]) for row in [("username", "role", "center", "password"), *rows]) for i in range(4)]
        line = "  ".join(f"{{:<{width}}}" for width in widths)
        self.stdout.write("Demo logins at /accounts/login/ (the data manager also reaches /admin/). Passwords are")
        self.stdout.write("set when a user is created; these are public, so never keep them outside a demo:")
        for row in [("username", "role", "center", "password"), *rows]:
            self.stdout.write(line.format(*row).rstrip())
