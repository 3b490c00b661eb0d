"""Grants, indicators and results against targets in the REST API; scoped like the pages
(the member's organisation, MANAGE_GRANTS)."""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.fields import choice_field as choice
from apps.api.permissions import HasMembership
from apps.api.writes import api_write
from apps.core import audit
from apps.grants import selectors, services
from apps.grants.models import (
    DISAGGREGATIONS,
    Currency,
    DataSource,
    Direction,
    Grant,
    Indicator,
)
from apps.prevention.selectors import events_of_organization

_write = api_write


class DonorGrantSerializer(serializers.ModelSerializer):
    donor = serializers.CharField(source="donor.name", max_length=200)
    currency = choice(Currency.choices)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Grant.objects.all(), required=False, allow_null=True
    )
    events = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = [
            "id",
            "reference",
            "title",
            "donor",
            "amount",
            "currency",
            "starts_on",
            "ends_on",
            "parent",
            "partner_name",
            "events",
            "indicators",
        ]
        read_only_fields = ["id"]
        validators: list = []

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_events(self, obj):
        return [link.event_id for link in obj.event_links.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_indicators(self, obj):
        return [use.indicator.code for use in obj.indicator_uses.all()]


class BudgetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class SpendingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    budget_line = serializers.IntegerField(help_text="id of one of the grant's budget lines")
    spent_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class EventLinkSerializer(serializers.Serializer):
    event = serializers.IntegerField(help_text="id of a prevention event of the organisation")
    activity = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of one of the grant's activities"
    )


class PeriodTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    indicator = serializers.CharField(help_text="code of an indicator used by the grant")
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class ManualResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    indicator = serializers.CharField(help_text="code of an indicator entered by hand")
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    breakdown = serializers.JSONField(
        required=False,
        help_text='numbers per group, e.g. {"sex": {"F": 3, "M": 2}}',
    )
    evidence = serializers.FileField(
        write_only=True, required=False, help_text="required unless the period has one"
    )


def _not_found(field):
    return ApiValidationError({field: ["Not found."]})


def _one(queryset, field, pk):
    found = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise _not_found(field)
    return found


class _Scoped(AuditedReadMixin, viewsets.GenericViewSet):
    permission_classes = [HasMembership]
    required_permission = Permission.MANAGE_GRANTS


class GrantViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Grants and sub-grants of the organisation, with the events linked to them and the
    codes of their indicators."""

    serializer_class = DonorGrantSerializer
    audit_target_type = "grant"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Grant.objects.none()
        return (
            selectors.grants_visible_to(self.request.membership)
            .prefetch_related("event_links", "indicator_uses__indicator")
            .order_by("-starts_on", "id")
        )

    def perform_create(self, serializer):
        m = self.request.membership
        d = serializer.validated_data
        parent = d.get("parent")
        if parent is not None and parent.organization_id != m.organization_id:
            raise ApiValidationError({"parent": ["Not found."]})

        def create():
            donor = services.create_donor(
                membership=m, name=d["donor"]["name"], request=self.request
            )
            return services.create_grant(
                membership=m,
                donor=donor,
                reference=d["reference"],
                title=d["title"],
                amount=d["amount"],
                currency=d["currency"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                parent=parent,
                partner_name=d.get("partner_name", ""),
                request=self.request,
            )

        serializer.instance = _write(create)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(request=BudgetLineSerializer, responses={201: BudgetLineSerializer})
    @action(detail=True, methods=["post"], url_path="budget-lines")
    def budget_lines(self, request, pk=None):
        """Add a budget line; all lines together may not exceed the grant."""
        grant = self.get_object()
        d = self._body(BudgetLineSerializer)
        line = _write(
            lambda: services.add_budget_line(
                membership=request.membership,
                grant=grant,
                name=d["name"],
                amount=d["amount"],
                request=request,
            )
        )
        return Response(BudgetLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SpendingSerializer, responses={201: SpendingSerializer})
    @action(detail=True, methods=["post"], url_path="spending")
    def spending(self, request, pk=None):
        """Record an amount spent on one of the grant's budget lines (amounts only)."""
        grant = self.get_object()
        d = self._body(SpendingSerializer)
        line = _one(grant.budget_lines.all(), "budget_line", d["budget_line"])
        spent = _write(
            lambda: services.record_spending(
                membership=request.membership,
                budget_line=line,
                spent_on=d["spent_on"],
                amount=d["amount"],
                request=request,
            )
        )
        data = {"id": spent.pk, "budget_line": line.pk, "spent_on": spent.spent_on}
        data["amount"] = spent.amount
        return Response(SpendingSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EventLinkSerializer, responses={201: EventLinkSerializer})
    @action(detail=True, methods=["post"], url_path="events")
    def link_event(self, request, pk=None):
        """Count a prevention event for the grant (refused outside the grant's period)."""
        grant = self.get_object()
        d = self._body(EventLinkSerializer)
        event = _one(
            events_of_organization(request.membership.organization_id), "event", d["event"]
        )
        activity = None
        if d.get("activity") is not None:
            activity = _one(grant.activities.all(), "activity", d["activity"])
        link = _write(
            lambda: services.link_event(
                membership=request.membership,
                grant=grant,
                event=event,
                activity=activity,
                request=request,
            )
        )
        data = {"event": link.event_id, "activity": link.activity_id}
        return Response(EventLinkSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"events/(?P<event_id>\d+)")
    def unlink_event(self, request, pk=None, event_id=None):
        """Stop counting an event for the grant."""
        grant = self.get_object()
        if not grant.event_links.filter(event_id=event_id).exists():
            raise NotFound()
        _write(
            lambda: services.unlink_event(
                membership=request.membership,
                grant=grant,
                event_id=int(event_id),
                request=request,
            )
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PeriodTargetSerializer, responses={201: PeriodTargetSerializer})
    @action(detail=True, methods=["post"], url_path="targets")
    def targets(self, request, pk=None):
        """Set the target of one reporting period for an indicator the grant uses; a
        second target for the same first day replaces the first."""
        grant = self.get_object()
        d = self._body(PeriodTargetSerializer)
        use = grant.indicator_uses.filter(indicator__code=d["indicator"]).first()
        if use is None:
            raise _not_found("indicator")
        row = _write(
            lambda: services.set_period_target(
                membership=request.membership,
                use=use,
                period_from=d["period_from"],
                period_to=d["period_to"],
                target=d["target"],
                request=request,
            )
        )
        data = {
            "id": row.pk,
            "indicator": use.indicator.code,
            "period_from": row.period_from,
            "period_to": row.period_to,
            "target": row.target,
        }
        return Response(PeriodTargetSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ManualResultSerializer},
        responses={201: ManualResultSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="manual-results",
        parser_classes=[MultiPartParser, JSONParser],
    )
    def manual_results(self, request, pk=None):
        """Enter the result of a hand-entered indicator for a period, with its evidence
        file (kept encrypted); a second entry for the same period replaces the first."""
        grant = self.get_object()
        d = self._body(ManualResultSerializer)
        indicator = (
            selectors.indicators_visible_to(request.membership).filter(code=d["indicator"]).first()
        )
        if indicator is None:
            raise _not_found("indicator")
        breakdown = d.get("breakdown") or {}
        if not isinstance(breakdown, dict):
            raise ApiValidationError({"breakdown": ["Give numbers per group."]})
        result = _write(
            lambda: services.record_manual_result(
                membership=request.membership,
                grant=grant,
                indicator=indicator,
                period_from=d["period_from"],
                period_to=d["period_to"],
                value=d["value"],
                breakdown=breakdown,
                evidence=d.get("evidence"),
                request=request,
            )
        )
        data = {
            "id": result.pk,
            "indicator": indicator.code,
            "period_from": result.period_from,
            "period_to": result.period_to,
            "value": result.value,
            "breakdown": result.breakdown,
        }
        return Response(ManualResultSerializer(data).data, status=status.HTTP_201_CREATED)


class IndicatorSerializer(serializers.ModelSerializer):
    direction = choice(Direction.choices, required=False)
    source = choice(DataSource.choices)
    disaggregation = serializers.ListField(
        child=choice([(d, d) for d in DISAGGREGATIONS]), required=False
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "definition",
            "unit",
            "direction",
            "disaggregation",
            "baseline",
            "source",
        ]
        read_only_fields = ["id"]
        validators: list = []


class IndicatorViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The organisation's indicator registry."""

    serializer_class = IndicatorSerializer
    audit_target_type = "indicator"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Indicator.objects.none()
        return selectors.indicators_visible_to(self.request.membership).order_by("code")

    def perform_create(self, serializer):
        serializer.instance = _write(
            lambda: services.create_indicator(
                membership=self.request.membership,
                request=self.request,
                **serializer.validated_data,
            )
        )


class BreakdownCellSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    group = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class IndicatorResultSerializer(serializers.Serializer):
    grant = serializers.CharField()
    indicator = serializers.CharField()
    source = serializers.CharField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    achieved_percent = serializers.IntegerField(allow_null=True)
    since_grant_began = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    life_of_grant_target = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True
    )
    breakdown = BreakdownCellSerializer(many=True)
    sent_value = serializers.CharField(allow_null=True)
    changed_since_sent = serializers.BooleanField()


def _day(params, name) -> datetime.date:
    try:
        return datetime.date.fromisoformat(params.get(name, ""))
    except ValueError:
        raise ApiValidationError({name: ["Give a date as YYYY-MM-DD."]})


class IndicatorResultViewSet(viewsets.GenericViewSet):
    """Results against targets of one grant for one period (?grant=ID&period_from=&
    period_to=), computed as the grant's page and the donor report compute them."""

    serializer_class = IndicatorResultSerializer
    permission_classes = [HasMembership]
    required_permission = Permission.MANAGE_GRANTS

    @extend_schema(
        parameters=[
            OpenApiParameter("grant", OpenApiTypes.INT, required=True),
            OpenApiParameter("period_from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("period_to", OpenApiTypes.DATE, required=True),
        ],
        responses=IndicatorResultSerializer(many=True),
    )
    def list(self, request):
        params = request.query_params
        if not params.get("grant", "").isdigit():
            raise ApiValidationError({"grant": ["Give the id of a grant."]})
        grant = selectors.grant_for(request.membership, params["grant"])
        period_from, period_to = _day(params, "period_from"), _day(params, "period_to")
        if period_to < period_from:
            raise ApiValidationError({"period_to": ["The period ends before it starts."]})
        rows = selectors.results_for(grant, period_from, period_to)
        data = [
            {
                "grant": grant.reference,
                "indicator": r.indicator.code,
                "source": r.indicator.source,
                "period_from": period_from,
                "period_to": period_to,
                "value": r.value,
                "target": r.target,
                "achieved_percent": r.achieved,
                "since_grant_began": r.cumulative,
                "life_of_grant_target": r.life_target,
                "breakdown": [
                    {"dimension": dim, "group": code, "value": n}
                    for dim in (r.indicator.disaggregation or [])
                    for code, n in sorted(r.codes.get(dim, {}).items())
                ],
                "sent_value": r.sent_value,
                "changed_since_sent": r.changed_since_sent,
            }
            for r in rows
        ]
        audit.shown(request.membership, [grant], request=request, detail={"results": len(rows)})
        return Response(IndicatorResultSerializer(data, many=True).data)
