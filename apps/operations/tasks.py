"""Work the job queue runs (django-tasks; `manage.py db_worker` in production).

Each task runs one Job through apps.operations.services.run_job, which retries after a
database interruption (django-tasks 0.12 has no retries of its own, decision 0029)."""

from django_tasks import task


@task()
def export_register_job(job_id: int) -> int | None:
    """The person register export of one Job; returns the number of people written."""
    from apps.operations.services import run_job

    return run_job(job_id)


@task()
def import_register_job(job_id: int) -> int | None:
    """The register import of one Job; returns the number of rows written."""
    from apps.operations.services import run_job

    return run_job(job_id)
