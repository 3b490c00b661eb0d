"""Grants, indicators and results against targets in the REST API; scoped like the pages
(the member's organisation, MANAGE_GRANTS)."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.permissions import HasMembership
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
from apps.people.services import NotAllowed


def choice(choices, **kwargs):
    values = [value for value, _label in choices]

    @extend_schema_field({"type": "string", "allOf": [{"enum": values}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


def _write(call):
    try:
        return call()
    except NotAllowed:
        raise PermissionDenied()
    except DjangoValidationError as exc:
        raise ApiValidationError(getattr(exc, "message_dict", None) or exc.messages)


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
