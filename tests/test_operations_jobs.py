"""The register export runs as a background job with a progress page and an encrypted,
expiring result; only the admin who started it sees it."""

from datetime import timedelta

import pytest
from django.utils import timezone

NAME = "Айгүлзада"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


def test_an_admin_exports_the_register_through_a_job(client, login, media, admin, make_person):
    from apps.core.models import AuditEntry
    from apps.operations.models import Job

    make_person(admin, given_name=NAME)
    make_person(admin, given_name="Бакыт")
    login(admin)
    page = client.get("/operations/jobs/")
    assert page.status_code == 200
    r = client.post("/operations/jobs/", {"format": "csv"})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/operations/jobs/{job.token}/"
    # The immediate backend of the tests has run it already.
    assert job.status == Job.Status.DONE and (job.done, job.total) == (2, 2)
    stored = (media / "jobs" / job.result_name).read_bytes()
    assert NAME.encode() not in stored  # encrypted at rest
    progress = client.get(f"/operations/jobs/{job.token}/", HTTP_HX_REQUEST="true")
    assert b"<progress" in progress.content and b'value="100"' in progress.content
    assert b"hx-trigger" not in progress.content  # finished: polling stops
    download = client.get(f"/operations/jobs/{job.token}/download")
    assert download.status_code == 200
    assert NAME in download.content.decode("utf-8-sig")
    assert download["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(target_type="job", target_id=str(job.pk)).exists()


def test_a_running_job_polls_and_shows_its_share(client, login, admin):
    from apps.operations.models import Job

    job = Job.objects.create(
        organization=admin.organization,
        membership=admin,
        kind="register_export",
        fmt="csv",
        status=Job.Status.RUNNING,
        done=500,
        total=2000,
    )
    login(admin)
    page = client.get(f"/operations/jobs/{job.token}/")
    assert b'hx-trigger="every 2s"' in page.content
    assert b'value="25"' in page.content
    assert client.get(f"/operations/jobs/{job.token}/download").status_code == 404


def test_a_bad_format_comes_back_with_a_message(client, login, admin):
    login(admin)
    r = client.post("/operations/jobs/", {"format": "pdf"})
    assert r.status_code == 400
    assert b"Choose CSV or XLSX" in r.content


def test_other_members_and_organisations_cannot_see_a_job(
    client, login, media, admin, org, other_org, make_member, make_person
):
    from apps.operations.services import start_register_export

    make_person(admin, given_name=NAME)
    job = start_register_export(membership=admin, fmt="xlsx")
    stranger = make_member(other_org, "org_admin")
    colleague = make_member(org, "org_admin", email="second.admin@test.example")
    caseworker = make_member(org, "case_worker")
    for member, status in ((stranger, 404), (colleague, 404), (caseworker, 403)):
        client.logout()
        login(member)
        for url in (f"/operations/jobs/{job.token}/", f"/operations/jobs/{job.token}/download"):
            r = client.get(url)
            assert r.status_code == status, (member, url)
            assert NAME not in r.content.decode(errors="ignore")
    assert client.get("/operations/jobs/").status_code == 403
    assert client.post("/operations/jobs/", {"format": "csv"}).status_code == 403


def test_a_disk_full_during_export_leaves_no_file(
    client, login, media, admin, make_person, monkeypatch
):
    import errno

    from apps.operations import services
    from apps.operations.models import Job

    make_person(admin, given_name=NAME)
    written = []
    real_open = open

    class FillsUp:
        """The result file: the disk fills up half-way through writing it."""

        def __init__(self, path, mode):
            self.fh = real_open(path, mode)
            written.append(path)

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(services, "open", FillsUp, raising=False)
    services.start_register_export(membership=admin, fmt="csv")
    job = Job.objects.get()
    assert written  # the write had started
    assert job.status == Job.Status.FAILED and not job.result_name
    assert job.failure == Job.Failure.DISK_FULL and job.attempts == 1  # not retried
    assert list((media / "jobs").iterdir()) == []
    login(admin)
    page = client.get(f"/operations/jobs/{job.token}/").content.decode()
    assert "disk is full" in page and "left nothing half-written" in page
    assert "hx-trigger" not in page


def test_a_disk_full_at_the_last_flush_leaves_no_file(media, admin, make_person, monkeypatch):
    from apps.operations import services
    from apps.operations.models import Job

    make_person(admin, given_name=NAME)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.os, "fsync", disk_full)
    services.start_register_export(membership=admin, fmt="csv")
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.result_name
    assert job.failure == Job.Failure.DISK_FULL
    assert list((media / "jobs").iterdir()) == []


def test_results_expire_after_a_day(media, admin, make_person):
    from apps.operations.models import Job
    from apps.operations.services import remove_expired_results, start_register_export

    make_person(admin, given_name=NAME)
    job = start_register_export(membership=admin, fmt="csv")
    path = media / "jobs" / job.result_name
    assert remove_expired_results() == 0 and path.exists()
    assert remove_expired_results(now=timezone.now() + timedelta(hours=25)) == 1
    assert not path.exists()
    assert Job.objects.get().result_name == ""
