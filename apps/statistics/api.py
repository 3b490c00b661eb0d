"""GET /api/v1/statistics/: the national report as JSON (aggregates only)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.api.permissions import HasMembership
from apps.statistics.forms import EARLIEST_YEAR, LATEST_YEAR, MAX_YEARS, years_later
from apps.statistics.report import ReportScope
from apps.statistics.selectors import disclosure_control_required, organizations_for_report
from apps.statistics.services import run_report


class StatisticsQuery(serializers.Serializer):
    date_from = serializers.DateField(help_text="first day, YYYY-MM-DD")
    date_to = serializers.DateField(help_text="last day (included), YYYY-MM-DD")
    organization = serializers.ListField(
        child=serializers.SlugField(), required=False, default=list
    )

    def validate(self, data):
        date_from, date_to = data["date_from"], data["date_to"]
        for day in (date_from, date_to):
            if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
                raise serializers.ValidationError(_("Enter a date between 2000 and 2099."))
        if date_from > date_to:
            raise serializers.ValidationError(_("The start date is after the end date."))
        if date_to >= years_later(date_from, MAX_YEARS):
            raise serializers.ValidationError(
                _("Choose a period of at most %(years)s years.") % {"years": MAX_YEARS}
            )
        return data


TABLE_SCHEMA = inline_serializer(
    "StatisticsTable",
    fields={
        "table": serializers.CharField(help_text="e.g. cases_opened_by_type"),
        "dimensions": serializers.ListField(child=serializers.CharField()),
        "rows": serializers.ListField(
            child=serializers.DictField(),
            help_text='one key per dimension (codes) and "count": a number or "suppressed"',
        ),
        "total": serializers.JSONField(help_text='a number or "suppressed"'),
    },
    many=True,
)


class StatisticsView(APIView):
    """The national statistics report for a period and the organisations the caller may
    report on; small cells suppressed whenever the report leaves an organisation."""

    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_STATISTICS

    @extend_schema(
        operation_id="statistics_report",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "organization",
                OpenApiTypes.STR,
                many=True,
                description="short names (slugs); none: every organisation you may report on",
            ),
            OpenApiParameter(
                "disclosure_control",
                OpenApiTypes.BOOL,
                description="suppress small cells; always on when the report leaves "
                "an organisation",
            ),
        ],
        responses={200: TABLE_SCHEMA},
    )
    def get(self, request):
        query = StatisticsQuery(
            data={
                "date_from": request.query_params.get("from"),
                "date_to": request.query_params.get("to"),
                "organization": request.query_params.getlist("organization"),
            }
        )
        if not query.is_valid():
            errors = dict(query.errors)
            # Answer with the names the caller used.
            for ours, theirs in (("date_from", "from"), ("date_to", "to")):
                if ours in errors:
                    errors[theirs] = errors.pop(ours)
            raise ApiValidationError(errors)
        m = request.membership
        slugs = query.validated_data["organization"] or None
        try:
            ids = organizations_for_report(m, requested_slugs=slugs)
        except Organization.DoesNotExist:
            # Whether another organisation exists is not told.
            raise NotFound(_("No organisation you may report on has that short name."))
        if not ids:
            raise NotFound(_("There is no organisation you may report on."))
        scope = ReportScope(
            date_from=query.validated_data["date_from"],
            date_to=query.validated_data["date_to"],
            organization_ids=ids,
            disclosure_control=disclosure_control_required(m, ids)
            or request.query_params.get("disclosure_control") in ("1", "true", "on"),
        )
        report = run_report(m, scope, request=request._request, fmt="json", lang="")
        return Response(report.as_json())
