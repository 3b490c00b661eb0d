"""Mixed load on a running Koldoo (PostgreSQL with the demo data); bench/run_load.sh
sets everything up, runs this file and checks the result:

    bench/run_load.sh                          # 50 users, 10 minutes, PostgreSQL restarted at 300 s
    bench/run_load.sh --users 50 --minutes 2 --restart-at 60

Users, weighted like a working day: operators logging calls (the intake, its autosave
making a draft, then the finished call), case workers searching people, opening cases
and writing notes, coordinators running the national report, and one organisation
admin importing a small register file now and then (upload, check, confirm, then wait
on the page the confirmation leads to until the import reports done).

Every write the server acknowledged is appended at once, one line each, to
bench/var/acknowledged_writes.txt (KOLDOO_LOAD_ACKNOWLEDGED overrides the path):
`note <case id> <marker>`, `call <call id> <marker>`, `person <register number>`.
bench/check_acknowledged.py finds each afterwards: the proof that no acknowledged write
is lost, e.g. across a PostgreSQL restart. Every request is appended with its time and
duration to bench/var/requests.csv (KOLDOO_LOAD_REQUESTS), every failed one with its
error to bench/var/failures.csv (KOLDOO_LOAD_FAILURES), so that requests during a
restart can be told from the others (bench/load_summary.py). All data is the fictitious demo data; the password is
seed_demo's.
"""

import csv
import itertools
import os
import random
import re
import time
import uuid
from datetime import date
from pathlib import Path

from locust import HttpUser, between, events, task

PASSWORD = "Koldoo-demo-2026"  # apps/home/management/commands/seed_demo.py
VAR = Path(__file__).parent / "var"
ACKNOWLEDGED = Path(os.environ.get("KOLDOO_LOAD_ACKNOWLEDGED", VAR / "acknowledged_writes.txt"))
FAILURES = Path(os.environ.get("KOLDOO_LOAD_FAILURES", VAR / "failures.csv"))
REQUESTS = Path(os.environ.get("KOLDOO_LOAD_REQUESTS", VAR / "requests.csv"))
# Searches a case worker types: demo names (apps/people/demo_names.py) and fragments.
QUERIES = ["Асанов", "Айгүл", "Бакыт", "Sydykova", "Nurlan", "Жолдош", "Гүлн", "Toktogul"]
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
CALL_LINK = re.compile(r"/hotline/(\d+)/$")
CALL_ID = re.compile(r'name="call_id"[^>]*value="(\d+)"')
TOPIC = re.compile(r'name="topics"[^>]*value="([^"]+)"')
OUTCOME = re.compile(r'<select name="outcome"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([0-9a-f]{40})"')
STATUS = re.compile(r'data-status="([a-z_]+)"')
IMPORT_ROWS = 5
IMPORT_PATIENCE_SECONDS = 180


def acknowledge(line: str) -> None:
    """Record an acknowledged write at once (a crash of Locust later loses nothing)."""
    with ACKNOWLEDGED.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


_requests = {}


@events.init.add_listener
def _prepare(environment, **kwargs):
    VAR.mkdir(parents=True, exist_ok=True)
    # Every request with its time, for bench/load_summary.py (percentiles of any period).
    _requests["file"] = REQUESTS.open("a", encoding="utf-8", newline="", buffering=1)
    _requests["csv"] = csv.writer(_requests["file"])


@events.request.add_listener
def _record(request_type, name, response_time, exception, response=None, **kwargs):
    now = f"{time.time():.3f}"
    if "csv" in _requests:
        _requests["csv"].writerow(
            [now, request_type, name, f"{response_time:.0f}", int(not exception)]
        )
    if exception is None:
        return
    status = getattr(response, "status_code", "") if response is not None else ""
    with FAILURES.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow([now, request_type, name, status, str(exception)[:200]])


# bench/run_load.sh makes one account per simulated user (`operator3@load.example`...);
# without it every user of a kind shares seed_demo's account of that role.
ACCOUNTS = os.environ.get("KOLDOO_LOAD_ACCOUNTS", "")
_numbers = {}


class SignedIn(HttpUser):
    abstract = True
    email = ""
    role = ""  # the role of the accounts made by bench/run_load.sh

    def on_start(self):
        # Each simulated user comes from its own address, as behind a reverse proxy: the
        # server runs with KOLDOO_TRUSTED_PROXY_COUNT=1, else the sign-in rate limits
        # (5 a minute per address) stop the ramp-up, as they should stop a real attacker.
        self.client.headers["X-Forwarded-For"] = (
            f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        )
        # One connection per request: a connection kept idle between tasks for longer
        # than gunicorn's keep-alive (2 s) is closed by the server, and a request sent
        # on it at that moment fails with "connection reset" (6 of 725 requests in a
        # trial), a failure of the test client rather than of the product.
        self.client.headers["Connection"] = "close"
        if ACCOUNTS and self.role:
            number = next(_numbers.setdefault(self.role, itertools.count()))
            self.email = f"{self.role}{number}@{ACCOUNTS}"
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

    def post(self, url, data, name, **kwargs):
        return self.client.post(
            url,
            {**data, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.host + url},
            name=name,
            allow_redirects=False,
            **kwargs,
        )


class Operator(SignedIn):
    weight = 4
    wait_time = between(2, 6)
    email = "operator@demo.example"
    role = "operator"

    @task(3)
    def log_a_call(self):
        """The intake: the autosave keeps a draft while the operator types, then the
        operator logs the finished call (acknowledged by the redirect to the call)."""
        page = self.client.get("/hotline/new/", name="/hotline/new/").text
        topics = TOPIC.findall(page)
        outcomes = OPTION.findall((OUTCOME.search(page) or [None, ""])[1])
        marker = f"bench-{uuid.uuid4().hex[:12]}"
        call = {
            "channel": "phone",
            "direction": "incoming",
            "caller_category": "anonymous",
            "urgency": "routine",
            "summary": f"Load test: question about work abroad {marker}",
        }
        draft = self.post("/hotline/autosave/", call, name="/hotline/autosave/ (write)")
        found = CALL_ID.search(draft.text) if draft.status_code == 200 else None
        if not found or not topics or not outcomes:
            return
        call_id = found.group(1)
        outcome = "information" if "information" in outcomes else outcomes[0]
        r = self.post(
            "/hotline/new/",
            {**call, "call_id": call_id, "topics": topics[0], "outcome": outcome},
            name="/hotline/new/ (log the call)",
        )
        logged = CALL_LINK.search(r.headers.get("Location", ""))
        if r.status_code == 302 and logged:
            acknowledge(f"call {logged.group(1)} {marker}")

    @task(1)
    def hotline_list(self):
        self.client.get("/hotline/", name="/hotline/")


class CaseWorker(SignedIn):
    weight = 5
    wait_time = between(2, 6)
    email = "caseworker@demo.example"
    role = "case_worker"

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
            acknowledge(f"note {case_id} {marker}")


class Coordinator(SignedIn):
    weight = 1
    wait_time = between(10, 20)
    email = "coordinator@demo.example"
    role = "national_coordinator"

    @task
    def national_report(self):
        self.client.get(
            "/statistics/",
            params={"period": "year", "year": date.today().year - 1},
            name="/statistics/ (report)",
        )


class RegisterImporter(SignedIn):
    """One organisation admin importing a few rows of an existing register, again and
    again: upload (checked and previewed), confirm, then the page the confirmation leads
    to. If that page shows a background job's progress, it is read again until the job
    reports done (or failed); the rows count as acknowledged only then."""

    fixed_count = 1
    wait_time = between(15, 30)
    email = "admin@demo.example"

    @task
    def import_register(self):
        batch = uuid.uuid4().hex[:10]
        numbers = [f"LT-{batch}-{n}" for n in range(IMPORT_ROWS)]
        rows = ["external_id,family_name,given_name,sex,birth_date,case_type,notes"]
        rows += [
            f"{number},Loadtest,Row {n},F,1990-05,labour_rights,Load test import {batch}"
            for n, number in enumerate(numbers)
        ]
        data = ("\r\n".join(rows) + "\r\n").encode()
        self.client.get("/people/import/", name="/people/import/")
        checked = self.post(
            "/people/import/",
            {"action": "upload"},
            name="/people/import/ (upload and check)",
            files={"file": (f"register-{batch}.csv", data, "text/csv")},
        )
        token = TOKEN.search(checked.text) if checked.status_code == 200 else None
        if not token:
            return
        r = self.post(
            "/people/import/",
            {"action": "confirm", "token": token.group(1)},
            name="/people/import/ (confirm)",
        )
        if r.status_code not in (302, 303):
            return
        if self._finished(r.headers.get("Location", "")):
            for number in numbers:
                acknowledge(f"person {number}")

    def _finished(self, location: str) -> bool:
        """Follow the confirmation's redirect; wait on a progress page until done."""
        url = location.removeprefix(self.host) or "/people/import/"
        name = "import result page" if "/people/import/" in url else "import progress page"
        page = self.client.get(url, name=name)
        deadline = time.monotonic() + IMPORT_PATIENCE_SECONDS
        while page.status_code == 200:
            status = STATUS.search(page.text)
            if status is None:
                # No job: the import ran inside the request; the page says how it went.
                return '<li class="success">' in page.text
            # apps.operations.models.Job.Status: queued, running, done, failed.
            if status.group(1) == "done":
                return True
            if status.group(1) == "failed" or time.monotonic() > deadline:
                return False
            time.sleep(2)  # the page's own htmx polling interval
            page = self.client.get(url, headers={"HX-Request": "true"}, name=name + " (poll)")
        return False
