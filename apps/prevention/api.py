"""Prevention events (with attendance), campaigns and capacity self-assessments in the
REST API; scoped like the pages (the member's organisation, RECORD_PREVENTION). Named
participants are not served here: their names stay on the event's audited page."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.fields import choice_field as choice
from apps.api.permissions import HasMembership
from apps.api.writes import api_write
from apps.prevention import selectors, services
from apps.prevention.models import (
    ANY,
    MAX_COUNT,
    AttendanceMode,
    Campaign,
    CapacityArea,
    CapacityAssessment,
    Event,
    EventType,
    Sex,
)


def _write(call):
    return api_write(call, messages_key="attendance")


class CountField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_COUNT, **kwargs)


class AttendanceCellSerializer(serializers.Serializer):
    sex = choice(Sex.choices)
    age_band = serializers.CharField(max_length=20, help_text="An age band code, or 'unknown'.")
    count = CountField()


class AttendanceSerializer(serializers.Serializer):
    total = CountField(required=False, allow_null=True)
    by_sex = serializers.DictField(
        child=CountField(), required=False, help_text="Sex code (F, M, U) → count."
    )
    by_age_band = serializers.DictField(
        child=CountField(), required=False, help_text="Age band code (or 'unknown') → count."
    )
    cells = AttendanceCellSerializer(many=True, required=False)
    rest_not_recorded = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Put what the breakdowns do not place under 'not recorded'.",
    )


class PreventionEventSerializer(serializers.ModelSerializer):
    event_type = choice(EventType.choices)
    attendance_mode = choice(AttendanceMode.choices, required=False)
    attendance = AttendanceSerializer(write_only=True, required=False)
    attendance_by_sex = serializers.SerializerMethodField()
    attendance_by_age_band = serializers.SerializerMethodField()
    attendance_cells = serializers.SerializerMethodField()
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    training = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        help_text="On PATCH, the version read: a change saved since then is refused.",
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "event_type",
            "title",
            "starts_on",
            "ends_on",
            "region",
            "district",
            "village",
            "venue",
            "facilitators",
            "partners",
            "target_group",
            "materials_distributed",
            "campaign",
            "training",
            "attendance_mode",
            "total_attendance",
            "broadcast_reach",
            "attendance",
            "attendance_by_sex",
            "attendance_by_age_band",
            "attendance_cells",
            "version",
        ]
        read_only_fields = ["id", "total_attendance"]

    def _rows(self, obj):
        return [(c.sex, c.age_band, c.count) for c in obj.counts.all()]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_attendance_by_sex(self, obj):
        return {s: n for s, b, n in self._rows(obj) if b == ANY and s != ANY}

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_attendance_by_age_band(self, obj):
        return {b: n for s, b, n in self._rows(obj) if s == ANY and b != ANY}

    @extend_schema_field(AttendanceCellSerializer(many=True))
    def get_attendance_cells(self, obj):
        return [
            {"sex": s, "age_band": b, "count": n}
            for s, b, n in self._rows(obj)
            if s != ANY and b != ANY
        ]


def _attendance(data) -> services.Attendance | None:
    if data is None:
        return None
    return services.Attendance(
        total=data.get("total"),
        by_sex=data.get("by_sex") or {},
        by_age=data.get("by_age_band") or {},
        cells={(c["sex"], c["age_band"]): c["count"] for c in data.get("cells") or []},
        rest_not_recorded=data.get("rest_not_recorded", False),
    )


class _Scoped(AuditedReadMixin, viewsets.GenericViewSet):
    permission_classes = [HasMembership]
    required_permission = Permission.RECORD_PREVENTION


class EventViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Prevention events with their attendance by sex and age band. POST and PATCH take
    `attendance` ({total, by_sex, by_age_band, cells, rest_not_recorded}); a breakdown
    that does not add up to the total is refused with the reason. ?type= filters."""

    serializer_class = PreventionEventSerializer
    audit_target_type = "event"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        qs = selectors.events_visible_to(self.request.membership).prefetch_related("counts")
        kind = self.request.query_params.get("type")
        if kind:
            qs = qs.filter(event_type=kind)
        return qs.order_by("-starts_on", "-id")

    def _check_links(self, data):
        m = self.request.membership
        for name in ("campaign", "training"):
            linked = data.get(name)
            if linked is not None and linked.organization_id != m.organization_id:
                raise ApiValidationError({name: ["Not found."]})

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self._check_links(data)
        attendance = _attendance(data.pop("attendance", None))
        data.setdefault("materials_distributed", 0)
        serializer.instance = _write(
            lambda: services.record_event(
                membership=self.request.membership,
                data=data,
                attendance=attendance,
                request=self.request,
            )
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        self._check_links(data)
        attendance = _attendance(data.pop("attendance", None))
        event = serializer.instance
        merged = {name: data.get(name, getattr(event, name)) for name in services.EVENT_FIELDS}
        serializer.instance = _write(
            lambda: services.update_event(
                membership=self.request.membership,
                event=event,
                data=merged,
                attendance=attendance,
                version=data.get("version"),
                request=self.request,
            )
        )


class PreventionCampaignSerializer(serializers.ModelSerializer):
    event_count = serializers.IntegerField(read_only=True)
    people_reached = serializers.IntegerField(read_only=True, allow_null=True)
    broadcast_reach = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "starts_on",
            "ends_on",
            "description",
            "event_count",
            "people_reached",
            "broadcast_reach",
        ]
        read_only_fields = ["id"]


class CampaignViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Campaigns with their events' attendance rolled up."""

    serializer_class = PreventionCampaignSerializer
    audit_target_type = "campaign"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return selectors.campaigns_visible_to(self.request.membership).order_by("-id")

    def perform_create(self, serializer):
        campaign = _write(
            lambda: services.create_campaign(
                membership=self.request.membership,
                request=self.request,
                **serializer.validated_data,
            )
        )
        serializer.instance = self.get_queryset().get(pk=campaign.pk)


class CapacityAssessmentSerializer(serializers.ModelSerializer):
    area = choice(CapacityArea.choices)
    score = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = CapacityAssessment
        fields = ["id", "year", "area", "score"]
        read_only_fields = ["id"]
        validators: list = []  # a second score for the same year and area replaces it


class CapacityAssessmentViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The organisation's capacity scores (1-5) per area and year; POST replaces the
    score of that year and area. ?year= filters."""

    serializer_class = CapacityAssessmentSerializer
    audit_target_type = "capacityassessment"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CapacityAssessment.objects.none()
        qs = selectors.capacity_assessments_visible_to(self.request.membership)
        year = self.request.query_params.get("year")
        if year:
            if not year.isdigit():
                raise ApiValidationError({"year": ["Give a year."]})
            qs = qs.filter(year=int(year))
        return qs.order_by("year", "area")

    def perform_create(self, serializer):
        d = serializer.validated_data
        saved = _write(
            lambda: services.save_capacity_assessment(
                membership=self.request.membership,
                year=d["year"],
                scores={d["area"]: d["score"]},
                request=self.request,
            )
        )
        serializer.instance = saved[0]
