"""GET /api/v1/statistics/: the national report as JSON (aggregates only)."""

from django.core.exceptions import ValidationError as DjangoValidationError
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
from apps.statistics.periods import check_disclosure_period
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
        "perturbed": serializers.BooleanField(
            help_text="the counts carry cell-key noise (consistent: the same records always "
            "get the same noise), so cells and totals may not add up exactly"
        ),
    },
    many=True,
)


class StatisticsView(APIView):
    """The national statistics report for a period and the organisations the caller may
    report on. Whenever the report leaves an organisation the period must be one whole
    calendar month, quarter or year, counts carry cell-key noise and small cells are
    suppressed."""

    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_STATISTICS

    @extend_schema(
        operation_id="statistics_report",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                required=True,
                description="first day; under disclosure control the first day of a calendar "
                "month, quarter or year",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                required=True,
                description="last day (included); under disclosure control the last day of "
                "that same month, quarter or year",
            ),
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
        except DjangoValidationError as error:
            raise ApiValidationError({"organization": error.messages}) from None
        if not ids:
            raise NotFound(_("There is no organisation you may report on."))
        date_from, date_to = query.validated_data["date_from"], query.validated_data["date_to"]
        control = disclosure_control_required(m, ids) or request.query_params.get(
            "disclosure_control"
        ) in ("1", "true", "on")
        if control:
            try:
                check_disclosure_period(date_from, date_to)
            except DjangoValidationError as error:
                raise ApiValidationError({"to": error.messages}) from None
        scope = ReportScope(
            date_from=date_from, date_to=date_to, organization_ids=ids, disclosure_control=control
        )
        report = run_report(m, scope, request=request._request, fmt="json", lang="")
        return Response(report.as_json())
