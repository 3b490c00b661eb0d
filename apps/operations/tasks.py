"""Work the job queue runs (django-tasks; `manage.py db_worker` in production)."""

from django_tasks import task


@task()
def export_register_job(job_id: int) -> int:
    """The person register export of one Job; returns the number of people written."""
    from apps.operations.services import run_register_export

    return run_register_export(job_id)
