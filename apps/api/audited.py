"""Every API read of person-level data leaves an audit entry naming what it returned."""

from rest_framework.response import Response

from apps.core import audit


class AuditedReadMixin:
    """List and retrieve write an audit entry with the ids of the records in the
    response (apps.core.audit.shown), after the response's data is built.

    `audit_target_type` names the records; a viewset whose reads have their own view
    service (a person's, a case's) overrides `audit_retrieved`; a list that narrows the
    records in its own way (a search) calls `audited_list` with them.
    """

    audit_target_type = ""

    def list(self, request, *args, **kwargs):
        return self.audited_list(self.filter_queryset(self.get_queryset()))

    def audited_list(self, records, *, action=audit.AuditEntry.Action.VIEW, detail=None):
        page = self.paginate_queryset(records)
        rows = list(records if page is None else page)
        data = self.get_serializer(rows, many=True).data
        self.audit_listed(rows, action=action, detail=detail)
        return Response(data) if page is None else self.get_paginated_response(data)

    def audit_listed(self, rows, *, action=audit.AuditEntry.Action.VIEW, detail=None):
        audit.shown(
            self.request.membership,
            rows,
            target_type=self.audit_target_type,
            request=self.request,
            action=action,
            detail=detail,
        )

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        self.audit_retrieved(instance)
        return Response(data)

    def audit_retrieved(self, instance):
        audit.shown(
            self.request.membership,
            [instance],
            target_type=self.audit_target_type,
            request=self.request,
        )
