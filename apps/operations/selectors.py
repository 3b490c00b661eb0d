"""Scoped reads of background jobs: a member sees only the jobs they started."""

from django.http import Http404

from apps.operations.models import Job


def jobs_of(membership):
    """The member's own jobs, newest first."""
    return Job.objects.filter(membership=membership, organization=membership.organization)


def job_for(membership, token) -> Job:
    """One of the member's jobs; 404 for anyone else's (another member's, another
    organisation's)."""
    job = jobs_of(membership).filter(token=token).first()
    if job is None:
        raise Http404
    return job
