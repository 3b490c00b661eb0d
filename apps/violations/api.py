"""Violation events in the REST API, with their acts, involvements, sources and
interventions; scoped and audited like the pages (DOCUMENT_VIOLATIONS; own events and
events shared by a grant; names withheld from a grantee as on the page)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.fields import choice_field as choice
from apps.api.permissions import HasMembership
from apps.api.writes import api_write
from apps.core import audit
from apps.people.models import Sex
from apps.violations import selectors, services
from apps.violations.models import (
    ActType,
    Confidentiality,
    DatePrecision,
    Event,
    InterventionKind,
    InvolvementRole,
    PerpetratorType,
    Reliability,
    SourceKind,
)


class ScopedField(serializers.PrimaryKeyRelatedField):
    """An id among the records the caller may use; any other id gets the same answer."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        kwargs.setdefault("queryset", Event.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scope(getattr(request, "membership", None))

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class TermField(serializers.SlugRelatedField):
    def __init__(self, model, **kwargs):
        super().__init__(slug_field="code", queryset=model.objects.filter(active=True), **kwargs)


def _institutions(m):
    from apps.institutions.selectors import institutions_visible_to

    return institutions_visible_to(m)


class ActOut(serializers.Serializer):
    id = serializers.IntegerField()
    victim = serializers.IntegerField(source="victim_id")
    victim_code = serializers.CharField(source="victim.code")
    victim_name = serializers.SerializerMethodField()
    act_type = serializers.CharField(source="act_type.code")

    def get_victim_name(self, act) -> str | None:
        return act.victim.display_name if act.victim_shown else None


class InvolvementOut(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    group_name = serializers.SerializerMethodField()
    role = serializers.CharField()
    perpetrator_type = serializers.CharField(source="perpetrator_type.code", default=None)
    identity_confidential = serializers.BooleanField()

    def get_person(self, inv) -> int | None:
        return inv.person_id if inv.identity_shown else None

    def get_name(self, inv) -> str | None:
        return inv.person.display_name if inv.identity_shown and inv.person else None

    def get_group_name(self, inv) -> str | None:
        return inv.group_name if inv.identity_shown else None


class SourceOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    person = serializers.IntegerField(source="person_id", allow_null=True)
    reported_by = serializers.CharField()
    reliability = serializers.CharField()
    reported_on = serializers.DateField(allow_null=True)


class InterventionOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    made_on = serializers.DateField()
    addressee = serializers.CharField()
    response = serializers.CharField()
    response_on = serializers.DateField(allow_null=True)


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    place = serializers.CharField(max_length=500, required=False, allow_blank=True)
    region = serializers.CharField(max_length=40, required=False, allow_blank=True)
    institution = ScopedField(_institutions, required=False, allow_null=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    date_precision = choice(DatePrecision.choices, required=False)
    parent = ScopedField(selectors.own_events_visible_to, required=False, allow_null=True)
    confidentiality = choice(Confidentiality.choices, required=False)
    shared_with_you = serializers.SerializerMethodField()
    acts = serializers.SerializerMethodField()
    involvements = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    interventions = serializers.SerializerMethodField()

    def _detail(self, event):
        cache = self.context.setdefault("details", {})
        if event.pk not in cache:
            cache[event.pk] = selectors.event_detail(self.context["request"].membership, event)
        return cache[event.pk]

    def get_shared_with_you(self, event) -> bool:
        return self._detail(event)["shared"]

    @extend_schema_field(ActOut(many=True))
    def get_acts(self, event):
        return ActOut(self._detail(event)["acts"], many=True).data

    @extend_schema_field(InvolvementOut(many=True))
    def get_involvements(self, event):
        return InvolvementOut(self._detail(event)["involvements"], many=True).data

    @extend_schema_field(SourceOut(many=True))
    def get_sources(self, event):
        return SourceOut(self._detail(event)["sources"], many=True).data

    @extend_schema_field(InterventionOut(many=True))
    def get_interventions(self, event):
        return InterventionOut(self._detail(event)["interventions"], many=True).data


class VictimIn(serializers.Serializer):
    existing = ScopedField(selectors.violation_people_visible_to, required=False, allow_null=True)
    given_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sex = choice(Sex.choices, required=False)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)
    act_type = TermField(ActType)


class PerpetratorIn(serializers.Serializer):
    existing = ScopedField(selectors.violation_people_visible_to, required=False, allow_null=True)
    given_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    group_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    role = choice(InvolvementRole.choices)
    perpetrator_type = TermField(PerpetratorType, required=False, allow_null=True)
    identity_confidential = serializers.BooleanField(required=False, default=True)


class IncidentIn(EventSerializer):
    victims = VictimIn(many=True, allow_empty=False, max_length=50)
    perpetrators = PerpetratorIn(many=True, required=False, max_length=50)


class SourceIn(serializers.Serializer):
    kind = choice(SourceKind.choices)
    reported_by = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reliability = choice(Reliability.choices, required=False)
    reported_on = serializers.DateField(required=False, allow_null=True)
    witness_given_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    witness_family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class InterventionIn(serializers.Serializer):
    kind = choice(InterventionKind.choices)
    made_on = serializers.DateField()
    addressee = serializers.CharField(max_length=200)
    response = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    response_on = serializers.DateField(required=False, allow_null=True)


write = api_write


class EventViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Violation events with acts, involvements, sources and interventions. POST records
    a whole incident (the event with "victims" and "perpetrators"). Events shared with
    the organisation by a grant are listed too, with names withheld as the grant says."""

    permission_classes = [HasMembership]
    required_permission = Permission.DOCUMENT_VIOLATIONS
    serializer_class = EventSerializer
    audit_target_type = "event"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return selectors.events_visible_to(self.request.membership).order_by("-id")

    def get_serializer_class(self):
        if self.action == "create":
            return IncidentIn
        return EventSerializer

    def audit_listed(self, rows, **kwargs):
        super().audit_listed(rows, **kwargs)
        self._audit_people(rows)

    def audit_retrieved(self, instance):
        super().audit_retrieved(instance)
        self._audit_people([instance])

    def _audit_people(self, events):
        m = self.request.membership
        people = [p for e in events for p in selectors.event_detail(m, e)["people"]]
        audit.shown(m, people, target_type="person", request=self.request)

    @extend_schema(request=IncidentIn, responses=EventSerializer)
    def create(self, request, *args, **kwargs):
        incoming = IncidentIn(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        victims = data.pop("victims")
        perpetrators = data.pop("perpetrators", [])
        event = write(
            lambda: services.record_incident(
                membership=request.membership,
                event=data,
                victims=victims,
                perpetrators=perpetrators,
                request=request,
            )
        )
        return Response(EventSerializer(event, context={"request": request}).data, status=201)

    def _own(self, pk):
        return selectors.own_event_for(self.request.membership, pk)

    @extend_schema(request=SourceIn, responses=SourceOut)
    @action(detail=True, methods=["post"])
    def sources(self, request, pk=None):
        """Add a source (who reported the event)."""
        event = self._own(pk)
        incoming = SourceIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        source = write(
            lambda: services.add_source(
                membership=request.membership,
                event=event,
                data=incoming.validated_data,
                request=request,
            )
        )
        return Response(SourceOut(source).data, status=201)

    @extend_schema(request=InterventionIn, responses=InterventionOut)
    @action(detail=True, methods=["post"])
    def interventions(self, request, pk=None):
        """Add an intervention (letter, complaint, visit) and any response."""
        event = self._own(pk)
        incoming = InterventionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        intervention = write(
            lambda: services.add_intervention(
                membership=request.membership,
                event=event,
                data=incoming.validated_data,
                request=request,
            )
        )
        return Response(InterventionOut(intervention).data, status=201)
