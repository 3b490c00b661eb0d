"""Mixed load on a running Koldoo (`make run` on PostgreSQL with the demo data).

    .venv/bin/pip install -r bench/requirements.txt      # locust, for bench/ only
    KOLDOO_TRUSTED_PROXY_COUNT=1 DATABASE_URL=postgres://... make run   # another shell
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 \
        --headless -u 20 -r 2 -t 3m --csv bench/var/locust
    .venv/bin/python bench/check_acknowledged.py          # every acknowledged note is there

Users, weighted like a working day: operators logging calls (hotline drafts saved by
the intake's autosave, then the hotline list), case workers searching people, opening
cases and writing notes, one coordinator running the national report. Every case note
the server acknowledged (a redirect after the POST) is written with its marker to
bench/var/acknowledged_notes.txt; bench/check_acknowledged.py finds each afterwards
(the proof that no acknowledged write is lost, e.g. across a PostgreSQL restart).
All data is the fictitious demo data; the password is seed_demo's.
"""

import random
import re
import uuid
from datetime import date
from pathlib import Path

from locust import HttpUser, between, events, task

PASSWORD = "Koldoo-demo-2026"  # apps/home/management/commands/seed_demo.py
ACKNOWLEDGED = Path(__file__).parent / "var" / "acknowledged_notes.txt"
# Searches a case worker types: demo names (apps/people/demo_names.py) and fragments.
QUERIES = ["Асанов", "Айгүл", "Бакыт", "Sydykova", "Nurlan", "Жолдош", "Гүлн", "Toktogul"]
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
acknowledged: list[str] = []


class SignedIn(HttpUser):
    abstract = True
    email = ""

    def on_start(self):
        # Each simulated user comes from its own address, as behind a reverse proxy: the
        # server runs with KOLDOO_TRUSTED_PROXY_COUNT=1, else the sign-in rate limits
        # (5 a minute per address) stop the ramp-up, as they should stop a real attacker.
        self.client.headers["X-Forwarded-For"] = (
            f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        )
        self.client.get("/accounts/login/", name="sign-in page")
        r = self.client.post(
            "/accounts/login/",
            {"login": self.email, "password": PASSWORD},
            headers={"X-CSRFToken": self.csrf(), "Referer": self.host + "/accounts/login/"},
            name="sign in",
            allow_redirects=False,
        )
        if r.status_code != 302:
            said = re.findall(r"<li>([^<]{0,200})</li>", r.text)[:3]
            raise RuntimeError(f"sign-in of {self.email} answered {r.status_code}: {said}")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, url, data, name):
        return self.client.post(
            url,
            {**data, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.host + url},
            name=name,
            allow_redirects=False,
        )


class Operator(SignedIn):
    weight = 4
    wait_time = between(2, 6)
    email = "operator@demo.example"

    @task(3)
    def log_a_call(self):
        self.client.get("/hotline/new/", name="/hotline/new/")
        self.post(
            "/hotline/autosave/",
            {
                "channel": "phone",
                "direction": "incoming",
                "caller_category": "anonymous",
                "urgency": "routine",
                "summary": "Load test: question about work abroad",
            },
            name="/hotline/autosave/ (write)",
        )

    @task(1)
    def hotline_list(self):
        self.client.get("/hotline/", name="/hotline/")


class CaseWorker(SignedIn):
    weight = 5
    wait_time = between(2, 6)
    email = "caseworker@demo.example"

    def on_start(self):
        super().on_start()
        page = self.client.get("/cases/", name="/cases/").text
        self.case_ids = CASE_LINK.findall(page) or []

    @task(4)
    def search(self):
        self.client.get("/people/", params={"q": random.choice(QUERIES)}, name="/people/?q=")

    @task(2)
    def open_case(self):
        if self.case_ids:
            self.client.get(f"/cases/{random.choice(self.case_ids)}/", name="/cases/<id>/")

    @task(1)
    def write_note(self):
        if not self.case_ids:
            return
        case_id = random.choice(self.case_ids)
        marker = f"bench-{uuid.uuid4().hex[:12]}"
        r = self.post(
            f"/cases/{case_id}/notes/",
            {"body": f"Load test note {marker}"},
            name="/cases/<id>/notes/ (write)",
        )
        if r.status_code in (302, 303):
            acknowledged.append(f"{case_id} {marker}")


class Coordinator(SignedIn):
    weight = 1
    wait_time = between(10, 20)
    email = "coordinator@demo.example"

    @task
    def national_report(self):
        self.client.get(
            "/statistics/",
            params={"period": "year", "year": date.today().year - 1},
            name="/statistics/ (report)",
        )


@events.test_stop.add_listener
def _write_acknowledged(environment, **kwargs):
    ACKNOWLEDGED.parent.mkdir(parents=True, exist_ok=True)
    with ACKNOWLEDGED.open("a", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in acknowledged)
    print(f"{len(acknowledged)} acknowledged notes appended to {ACKNOWLEDGED}")
