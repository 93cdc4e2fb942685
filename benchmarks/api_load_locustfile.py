"""The clients of ``benchmarks/api_load.py``: each one a data-entry user of the benchmark center with its own token.

Run through ``api_load.py``, which writes the configuration (tokens, each client's slice of the cases) to a JSON
file named by API_LOAD_CONFIG and starts ``locust -f`` this file. Each client, in a loop with a think time of
API_LOAD_THINK seconds on average (0: none), picks with weights 4 : 4 : 1 : 1:

- ``list``: GET /api/v1/cases/?page_size=50 (its center's cases, the first page);
- ``read``: GET /api/v1/cases/{registry_id}/ of a case of its own slice;
- ``create``: POST /api/v1/cases/ (a new hospital number each time); the case joins the client's slice;
- ``update``: PATCH /api/v1/cases/{registry_id}/ of a case of its own slice with If-Match, toggling the
  gestational age between 38 and 39 weeks. The ETag is the one the client last saw for that case (from a read,
  its create or its previous update); without one it reads the case first (that GET counts as a ``read``).

No two clients write the same case, so a 412 means a stale ETag in the API, not a race of the benchmark: it is
reported as ``update (412)``, apart from the errors. Any other unexpected status is an error (its status and
the start of its body are in locust's failure table).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from locust import FastHttpUser, between, constant, task

THINK = float(os.environ.get("API_LOAD_THINK", "1"))
_CONFIG = json.loads(Path(os.environ["API_LOAD_CONFIG"]).read_text()) if os.environ.get("API_LOAD_CONFIG") else None
_NEXT = itertools.count()
_PROCESS = secrets.token_hex(3)  # hospital numbers stay new across the runs of one benchmark (one process each)
LIST, READ, CREATE, UPDATE, STALE = "list", "read", "create", "update", "update (412)"


class CaseClient(FastHttpUser):
    wait_time = between(THINK / 2, THINK * 1.5) if THINK > 0 else constant(0)

    def on_start(self):
        if _CONFIG is None:
            raise RuntimeError("Run this through benchmarks/api_load.py (it sets API_LOAD_CONFIG).")
        number = next(_NEXT)
        clients = _CONFIG["clients"]
        mine = clients[number % len(clients)]
        self.client.auth_header = f"Bearer {mine['token']}"
        # Clients beyond the number of slices would share one: they take none and write only what they create.
        self.cases: list[str] = list(mine["cases"]) if number < len(clients) else []
        self.seen: dict[str, tuple[str, int | None]] = {}  # registry_id -> (ETag, gestational age)
        self.center = _CONFIG["center"]
        self.tag = f"{_CONFIG['run']}-{_PROCESS}-{number}"
        self.serial = itertools.count(1)
        self.rng = random.Random(number)

    def _expect(self, response, status: int) -> bool:
        if response.status_code == status:
            response.success()
            return True
        response.failure(f"{response.status_code} {response.text[:200]}")
        return False

    def _remember(self, registry_id: str, response) -> None:
        body = response.json()
        self.seen[registry_id] = (response.headers.get("ETag", ""), body.get("gestational_age_weeks"))

    @task(4)
    def list_cases(self):
        with self.client.get("/api/v1/cases/?page_size=50", name=LIST, catch_response=True) as response:
            if self._expect(response, 200) and "results" not in response.json():
                response.failure("200 without results")

    def _read(self, registry_id: str) -> bool:
        with self.client.get(f"/api/v1/cases/{registry_id}/", name=READ, catch_response=True) as response:
            if self._expect(response, 200):
                self._remember(registry_id, response)
                return True
        return False

    @task(4)
    def read_case(self):
        if self.cases:
            self._read(self.rng.choice(self.cases))

    @task(1)
    def create_case(self):
        body = {
            "center": self.center,
            "hospital_number": f"LOAD-{self.tag}-{next(self.serial)}",
            "sex": self.rng.choice("MF"),
            "birth_date": (date.today() - timedelta(days=self.rng.randint(30, 300))).isoformat(),
            "gestational_age_weeks": 38,
        }
        with self.client.post("/api/v1/cases/", json=body, name=CREATE, catch_response=True) as response:
            if self._expect(response, 201):
                registry_id = response.json()["registry_id"]
                self._remember(registry_id, response)
                self.cases.append(registry_id)

    @task(1)
    def update_case(self):
        if not self.cases:
            return
        registry_id = self.rng.choice(self.cases)
        if registry_id not in self.seen and not self._read(registry_id):
            return
        etag, weeks = self.seen[registry_id]
        body = {"gestational_age_weeks": 39 if weeks == 38 else 38}
        with self.client.patch(
            f"/api/v1/cases/{registry_id}/", json=body, headers={"If-Match": etag}, name=UPDATE, catch_response=True
        ) as response:
            if response.status_code == 412:
                response.request_meta["name"] = STALE
                response.success()
                self.seen.pop(registry_id, None)
            elif self._expect(response, 200):
                self._remember(registry_id, response)
