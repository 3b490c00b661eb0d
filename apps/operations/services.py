"""Writes of the operations app: background jobs and their result files."""

import errno
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
)
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.core.models import AuditEntry
from apps.operations.models import Job
from apps.people.services import NotAllowed

logger = logging.getLogger(__name__)

# A finished export waits this long for its download (weak connections retry), then
# apply_retention removes it.
JOB_RESULT_HOURS = 24
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def jobs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs"


def start_register_export(*, membership, fmt: str) -> Job:
    """Queue an export of the member's organisation's register; the job's page shows
    its progress. Organisation admins only (NotAllowed); ValueError for a bad format."""
    from apps.people.register_export import FORMATS

    if not membership.can(Permission.MANAGE_ORGANIZATION):
        raise NotAllowed(_("Only an organisation admin may export the register."))
    if fmt not in FORMATS:
        raise ValueError(fmt)
    job = Job.objects.create(
        organization=membership.organization,
        membership=membership,
        kind=Job.Kind.REGISTER_EXPORT,
        fmt=fmt,
    )
    return _enqueue(job)


def start_register_import(*, membership, token: str, ext: str) -> Job:
    """Queue the import of a register file the member has checked (its preview): the
    file stays encrypted where apps.core.staged_upload keeps it until the job has run,
    and the job checks it again before writing. NotAllowed without the import
    permission."""
    if not membership.can(Permission.IMPORT_REGISTER):
        raise NotAllowed(_("Only an organisation admin may import a register."))
    job = Job.objects.create(
        organization=membership.organization,
        membership=membership,
        kind=Job.Kind.REGISTER_IMPORT,
        fmt=ext.lstrip(".").lower()[:8],
        staged_token=token,
    )
    return _enqueue(job)


def _enqueue(job: Job) -> Job:
    from apps.operations import tasks

    task = {
        Job.Kind.REGISTER_EXPORT: tasks.export_register_job,
        Job.Kind.REGISTER_IMPORT: tasks.import_register_job,
    }[job.kind]
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------- running, with retries

# Database errors a job outlives: the connection dropped or the server is restarting
# (PostgreSQL), the database is locked for too long (SQLite).
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# Seconds waited before each new attempt after such an error: a PostgreSQL restart
# takes a few seconds, so three retries over about 40 s, then the job fails.
RETRY_DELAYS = (2, 10, 30)
# Runs a job may start in all (database retries and pick-ups after a stopped worker).
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A running job reports progress far more often than this; silent longer, its worker
# is taken as gone even on another machine (on the same machine its pid tells at once).
JOB_SILENT_SECONDS = 15 * 60


class JobFailed(Exception):
    """The job cannot succeed (not a fault of the worker): failed with this reason."""

    def __init__(self, failure: str):
        super().__init__(failure)
        self.failure = failure


def run_job(job_id: int):
    """Run one queued job (the task body): claimed, run, and finished as done or failed.

    django-tasks 0.12 has no retries (docs/decisions/0029), so they are here: after a
    transient database error the work is rolled back by its own transaction or clean-up,
    the connection is dropped and the job runs again after RETRY_DELAYS[n] seconds, up
    to MAX_ATTEMPTS runs in all; then it fails with a message saying so. A worker killed
    meanwhile leaves the job running: recover_stalled_jobs() picks it up again."""
    runners = {Job.Kind.REGISTER_EXPORT: _run_export, Job.Kind.REGISTER_IMPORT: _run_import}
    delays = list(RETRY_DELAYS)
    while True:
        try:
            job = _claim(job_id)
            if job is None:
                return None  # finished already, or gone
            return runners[job.kind](job)
        except JobFailed as exc:
            _finish_failed(job_id, exc.failure)
            return None
        except TRANSIENT_ERRORS:
            logger.warning("Job %s: database error", job_id, exc_info=True)
            _drop_connections()
            if not delays:
                try:
                    _finish_failed(job_id, Job.Failure.DATABASE)
                except TRANSIENT_ERRORS:
                    # Still unreachable: the job stays running until recover_stalled_jobs.
                    logger.warning("Job %s: could not be marked failed", job_id)
                raise
            time.sleep(delays.pop(0))
        except OSError as exc:
            failure = Job.Failure.DISK_FULL if exc.errno == errno.ENOSPC else Job.Failure.ERROR
            _finish_failed(job_id, failure)
            raise
        except Exception:
            _finish_failed(job_id, Job.Failure.ERROR)
            raise


def _drop_connections() -> None:
    # The next query opens a fresh connection (the old one may be broken).
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:300]


def _claim(job_id: int) -> Job | None:
    claimed = (
        Job.objects.filter(pk=job_id)
        .exclude(status__in=(Job.Status.DONE, Job.Status.FAILED))
        .update(
            status=Job.Status.RUNNING,
            attempts=F("attempts") + 1,
            worker=_worker_name(),
            heartbeat_at=timezone.now(),
            failure="",
        )
    )
    if not claimed:
        return None
    return Job.objects.select_related("membership__organization", "membership__user").get(pk=job_id)


def _finish_failed(job_id: int, failure: str) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, failure=failure, finished_at=timezone.now()
    )
    if failure != Job.Failure.REGISTER_CHANGED:
        # Kept otherwise: the member may check it again (reclaim_staged_import); the
        # staged upload's own clean-up removes it after a day if they do not.
        _forget_staged(job)


def reclaim_staged_import(*, membership, job_token) -> tuple[str, str] | None:
    """The kept file of the member's import that found the register changed, handed
    back to the import page to be checked again: (upload token, extension), or None."""
    from apps.operations.selectors import jobs_of

    try:
        job = (
            jobs_of(membership)
            .filter(
                token=job_token,
                kind=Job.Kind.REGISTER_IMPORT,
                status=Job.Status.FAILED,
                failure=Job.Failure.REGISTER_CHANGED,
            )
            .exclude(staged_token="")
            .first()
        )
    except ValidationError:  # not a UUID
        return None
    if job is None:
        return None
    if not Job.objects.filter(pk=job.pk, staged_token=job.staged_token).update(staged_token=""):
        return None  # reclaimed by another request meanwhile
    return job.staged_token, "." + job.fmt


def _forget_staged(job: Job) -> None:
    if job.staged_token:
        from apps.core.staged_upload import forget_upload

        forget_upload(job.staged_token)
        Job.objects.filter(pk=job.pk).update(staged_token="")


class JobProgress:
    """`progress(n)` for a job's work: saves how much is done and that the worker lives.

    Outside a transaction the row is written at once. An import on PostgreSQL is one
    transaction, and what it writes is invisible until it commits, so there the row is
    written by a helper thread on its own connection (the newest figure only). Inside a
    SQLite transaction nothing is written: that transaction holds the only write lock,
    and the bar moves when it ends."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._latest = None
        self._wake = threading.Event()
        self._stop = False
        self._thread = None

    def __call__(self, done: int) -> None:
        if not connection.in_atomic_block:
            _beat(self.job_id, done)
            return
        if connection.vendor != "postgresql":
            return
        self._latest = done
        if self._thread is None:
            self._thread = threading.Thread(target=self._write, daemon=True)
            self._thread.start()
        self._wake.set()

    def _write(self) -> None:
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                done, self._latest = self._latest, None
                if done is not None:
                    try:
                        _beat(self.job_id, done)
                    except DatabaseError:
                        logger.warning("Job %s: progress not saved", self.job_id)
                if self._stop:
                    return
        finally:
            connections.close_all()  # this thread's own connection

    def close(self) -> None:
        if self._thread is not None:
            self._stop = True
            self._wake.set()
            self._thread.join()
            self._thread = None


def _beat(job_id: int, done: int) -> None:
    Job.objects.filter(pk=job_id).update(done=done, heartbeat_at=timezone.now())


def _run_export(job: Job) -> int:
    """One register export: progress saved as it goes, the file written encrypted and
    in one piece (a temporary name replaced at the end), or nothing."""
    from apps.people.register_export import export_register
    from apps.people.selectors import people_visible_to

    membership = job.membership
    if not membership.can(Permission.MANAGE_ORGANIZATION):
        raise JobFailed(Job.Failure.NOT_ALLOWED)
    Job.objects.filter(pk=job.pk).update(total=people_visible_to(membership).count(), done=0)
    progress = JobProgress(job.pk)
    target = jobs_dir() / f"{job.token}.{job.fmt}.enc"
    partial = target.with_suffix(".partial")
    try:
        data, count = export_register(membership=membership, fmt=job.fmt, progress=progress)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as fh:
            fh.write(encrypt_bytes(data))
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(target)
    except BaseException:
        # A full disk or a killed worker leaves no half-written export behind.
        partial.unlink(missing_ok=True)
        raise
    finally:
        progress.close()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        done=count,
        total=count,
        result_name=target.name,
        finished_at=timezone.now(),
    )
    return count


def _run_import(job: Job) -> int:
    """One register import: the staged file is decrypted in memory, checked again (the
    register may have changed while it waited) and written all or nothing, with one
    audit entry; the file is deleted once the job has finished, whatever the outcome."""
    from apps.core.staged_upload import read_upload
    from apps.people.register_import import RegisterChanged, apply_import, plan_import

    membership = job.membership
    if not membership.can(Permission.IMPORT_REGISTER):
        raise JobFailed(Job.Failure.NOT_ALLOWED)
    data = read_upload(job.staged_token)
    if data is None:
        raise JobFailed(Job.Failure.FILE_EXPIRED)
    plan = plan_import(membership.organization, data, f"upload.{job.fmt}")
    del data
    if not plan.ok:
        raise JobFailed(Job.Failure.FILE_REFUSED)
    total = len(plan.rows)
    Job.objects.filter(pk=job.pk).update(total=total, done=0, heartbeat_at=timezone.now())
    progress = JobProgress(job.pk)

    def done(report) -> None:
        # In the import's last transaction: the job is done exactly when the import is,
        # so that a retry after a later database error never imports the file twice.
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE,
            done=total,
            total=total,
            report=report.counts(),
            finished_at=timezone.now(),
        )

    try:
        apply_import(membership, plan, progress=progress, then=done)
    except RegisterChanged:
        raise JobFailed(Job.Failure.REGISTER_CHANGED) from None
    finally:
        progress.close()
    _forget_staged(job)
    return total


# ---------------------------------------------------------------- stopped workers


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _worker_gone(job: Job, now) -> bool:
    host, _sep, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _process_alive(int(pid)):
        return True
    beat = job.heartbeat_at or job.created_at
    return (now - beat).total_seconds() > JOB_SILENT_SECONDS


def recover_stalled_jobs(*, jobs=None, now=None) -> int:
    """Jobs left "running" by a worker that is gone (killed, machine restarted): queued
    again while they have attempts left, else failed with a message saying the work
    stopped. What the stopped run wrote is gone already: an export writes under a
    temporary name, an import is rolled back (recover_interrupted_imports, run first).
    Returns how many were picked up or failed."""
    now = now or timezone.now()
    if jobs is None:
        jobs = Job.objects.filter(status=Job.Status.RUNNING)
    n = 0
    for job in jobs:
        if job.status != Job.Status.RUNNING or not _worker_gone(job, now):
            continue
        n += 1
        if job.attempts >= MAX_ATTEMPTS:
            logger.warning("Job %s: worker gone, no attempts left", job.pk)
            _finish_failed(job.pk, Job.Failure.WORKER_STOPPED)
            continue
        logger.warning("Job %s: worker gone, queued again", job.pk)
        requeued = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.QUEUED, worker=""
        )
        if requeued:
            _enqueue(job)
    return n


def recover_interrupted() -> tuple[int, int]:
    """What a worker does when it starts (`manage.py recover_interrupted`): roll back
    register imports whose process is gone, then pick up or fail stalled jobs. Returns
    (imports rolled back, jobs picked up or failed)."""
    from apps.people.register_import import recover_interrupted_imports

    return recover_interrupted_imports(), recover_stalled_jobs()


def check_job(job: Job) -> Job:
    """A job as its page shows it: one left running by a worker that is gone is picked
    up again or failed first, so that no page waits forever."""
    if job.status == Job.Status.RUNNING and _worker_gone(job, timezone.now()):
        from apps.people.register_import import recover_interrupted_imports

        recover_interrupted_imports()
        recover_stalled_jobs(jobs=[job])
        job.refresh_from_db()
    return job


def read_result(*, membership, job: Job, request=None) -> bytes:
    """The decrypted result of a finished job, for its download; audited.

    Raises NotAllowed if the member may no longer export, FileNotFoundError when the
    result has expired or the job has not finished."""
    if not membership.can(Permission.MANAGE_ORGANIZATION):
        raise NotAllowed(_("Only an organisation admin may export the register."))
    if job.status != Job.Status.DONE or not job.result_name:
        raise FileNotFoundError(job.token)
    data = decrypt_bytes((jobs_dir() / job.result_name).read_bytes())
    audit.record(
        AuditEntry.Action.EXPORT,
        user=membership.user,
        organization=membership.organization,
        target_type="job",
        target_id=job.pk,
        detail={"register": job.fmt, "downloaded": True},
        request=request,
    )
    return data


def remove_expired_results(*, now=None, dry_run: bool = False) -> int:
    """Delete job result files older than JOB_RESULT_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=JOB_RESULT_HOURS)
    expired = Job.objects.filter(finished_at__lt=cutoff).exclude(result_name="")
    n = 0
    for job in expired:
        n += 1
        if not dry_run:
            (jobs_dir() / job.result_name).unlink(missing_ok=True)
            Job.objects.filter(pk=job.pk).update(result_name="")
    return n
