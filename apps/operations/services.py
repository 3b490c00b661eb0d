"""Writes of the operations app: background jobs and their result files."""

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.core.models import AuditEntry
from apps.operations.models import Job
from apps.people.services import NotAllowed

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
    from apps.operations.tasks import export_register_job
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
    result = export_register_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def run_register_export(job_id: int) -> int:
    """Run one queued register export: progress saved as it goes, the file written
    encrypted and in one piece (a temporary name replaced at the end), or nothing."""
    from apps.people.register_export import export_register
    from apps.people.selectors import people_visible_to

    job = Job.objects.select_related("membership__organization", "membership__user").get(pk=job_id)
    membership = job.membership
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, total=people_visible_to(membership).count(), done=0
    )

    def progress(count: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=count)

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
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now())
        raise
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        done=count,
        total=count,
        result_name=target.name,
        finished_at=timezone.now(),
    )
    return count


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
