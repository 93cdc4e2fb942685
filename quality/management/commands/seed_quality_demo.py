"""`manage.py seed_quality_demo`: plant data-quality problems in the demo registry (after seed_demo), run the
rules over the whole registry and open a few queries. Safe to rerun: nothing is planted twice."""

from django.core.management.base import BaseCommand, CommandError

from quality.demo import plant_problems
from registry.models import Case, Membership

NO_DEMO = "No demo cases: run `manage.py seed_demo` first."


class Command(BaseCommand):
    help = "Plant data-quality problems in the demo cases, run every rule, open demo queries. Safe to rerun."

    def handle(self, *args, **options):
        if not Case.objects.filter(registry_id__startswith="ILR-D").exists():
            raise CommandError(NO_DEMO)
        planted, queries = plant_problems()
        # Demo logins get an address, so notifications of the queries people try out show on the console (the
        # default e-mail backend); given after planting, so the demo's own queries do not fill the terminal.
        for membership in Membership.objects.filter(user__email="").select_related("user"):
            membership.user.email = f"{membership.user.username}@example.org"
            membership.user.save(update_fields=["email"])
        self.stdout.write("Planted data-quality problems (each one shows on the data-quality dashboard):")
        for row in planted:
            self.stdout.write(f"  {row.registry_id:<11} {row.center:<4} {row.rules:<28} {row.how:<8} {row.key}")
        self.stdout.write(f"{queries} demo quer{'y' if queries == 1 else 'ies'} opened.")
