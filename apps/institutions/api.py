"""The institution register, visits and recommendations in the REST API; scoped like
the pages (the member's organisation, DOCUMENT_VIOLATIONS), reads audited."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.permissions import HasMembership
from apps.core import audit
from apps.institutions import selectors, services
from apps.institutions.models import (
    Access,
    Institution,
    InstitutionKind,
    IntervieweeCategory,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    RecommendationUpdate,
    Topic,
    Visit,
    VisitKind,
)
from apps.violations.api import ScopedField, choice, write


class InstitutionSerializer(serializers.ModelSerializer):
    kind = choice(InstitutionKind.choices)
    capacity = serializers.IntegerField(
        min_value=0, max_value=services.MAX_PEOPLE_IN_PLACE, required=False, allow_null=True
    )
    population = serializers.IntegerField(
        min_value=0, max_value=services.MAX_PEOPLE_IN_PLACE, required=False, allow_null=True
    )

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "kind",
            "authority",
            "region",
            "address",
            "capacity",
            "population",
            "population_on",
            "version",
        ]
        read_only_fields = ["id", "version"]
        validators: list = []  # the service answers a duplicate name in the user's words


class ObservationOut(serializers.Serializer):
    id = serializers.IntegerField()
    topic = choice(Topic.choices)
    text = serializers.CharField()


class InterviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.display_name")
    category = choice(IntervieweeCategory.choices)
    consent = serializers.BooleanField()


class ChecklistItemOut(serializers.Serializer):
    question = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    answer_type = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    answer = serializers.CharField()


class ChecklistAnswerIn(serializers.Serializer):
    question = serializers.IntegerField(min_value=1)
    value = serializers.CharField(max_length=2000, allow_blank=True)


class ChecklistIn(serializers.Serializer):
    answers = ChecklistAnswerIn(many=True, allow_empty=False)


class VisitSerializer(serializers.ModelSerializer):
    institution = ScopedField(selectors.institutions_visible_to)
    kind = choice(VisitKind.choices)
    access = choice(Access.choices)
    observations = ObservationOut(many=True, read_only=True)
    interviews = InterviewOut(many=True, read_only=True)
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "institution",
            "kind",
            "announced",
            "visited_on",
            "team",
            "access",
            "denied_by",
            "denial_reason",
            "summary",
            "observations",
            "interviews",
            "checklist",
        ]
        read_only_fields = ["id", "observations", "interviews", "checklist"]

    @extend_schema_field(ChecklistItemOut(many=True))
    def get_checklist(self, visit):
        """The organisation's questions for this type of visit, each with its answer."""
        return ChecklistItemOut(
            selectors.checklist_for(self.context["request"].membership, visit), many=True
        ).data


class ObservationIn(serializers.Serializer):
    topic = choice(Topic.choices)
    text = serializers.CharField(max_length=20000)


class InterviewIn(serializers.Serializer):
    given_name = serializers.CharField(max_length=200)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = choice(IntervieweeCategory.choices)
    consent = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class UpdateOut(serializers.ModelSerializer):
    status = choice(RecommendationStatus.choices)

    class Meta:
        model = RecommendationUpdate
        fields = ["id", "on", "status", "response"]


class RecommendationSerializer(serializers.ModelSerializer):
    kind = choice(RecommendationKind.choices)
    status = choice(RecommendationStatus.choices, read_only=True)
    institution = ScopedField(selectors.institutions_visible_to, required=False, allow_null=True)
    visit = ScopedField(selectors.visits_visible_to, required=False, allow_null=True)
    repeats = ScopedField(selectors.recommendations_visible_to, required=False, allow_null=True)
    updates = UpdateOut(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "kind",
            "text",
            "addressee",
            "made_on",
            "deadline",
            "institution",
            "visit",
            "repeats",
            "status",
            "updates",
        ]
        read_only_fields = ["id", "status", "updates"]


class ResponseIn(serializers.Serializer):
    on = serializers.DateField(required=False)
    status = choice(RecommendationStatus.choices)
    response = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class _Scoped(AuditedReadMixin, viewsets.GenericViewSet):
    permission_classes = [HasMembership]
    required_permission = Permission.DOCUMENT_VIOLATIONS

    def visible(self, membership):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.visible(self.request.membership).order_by("-id")


class InstitutionViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """The organisation's register of places of deprivation of liberty and care.
    PATCH changes an entry; send "version" to be told when someone saved in between."""

    serializer_class = InstitutionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible(self, membership):
        return selectors.institutions_visible_to(membership)

    def perform_create(self, serializer):
        serializer.instance = write(
            lambda: services.add_institution(
                membership=self.request.membership,
                data=serializer.validated_data,
                request=self.request,
            )
        )

    def perform_update(self, serializer):
        institution = serializer.instance
        data = {
            **{k: getattr(institution, k) for k in services.INSTITUTION_FIELDS},
            **serializer.validated_data,
        }
        version = self.request.data.get("version")
        serializer.instance = write(
            lambda: services.change_institution(
                membership=self.request.membership,
                institution=institution,
                data=data,
                version=int(version) if str(version or "").isdigit() else None,
                request=self.request,
            )
        )


class VisitViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Monitoring visits with their observations and people interviewed. When access
    was partly or wholly denied, "denied_by" and "denial_reason" are required.
    ?institution= filters."""

    serializer_class = VisitSerializer

    def visible(self, membership):
        qs = selectors.visits_visible_to(membership).prefetch_related(
            "observations", "interviews__person", "answers"
        )
        institution = self.request.query_params.get("institution")
        if institution and institution.isdigit():
            qs = qs.filter(institution_id=int(institution))
        return qs

    def audit_listed(self, rows, **kwargs):
        super().audit_listed(rows, **kwargs)
        self._audit_people(rows)

    def audit_retrieved(self, instance):
        super().audit_retrieved(instance)
        self._audit_people([instance])

    def _audit_people(self, visits):
        people = [i.person_id for v in visits for i in v.interviews.all()]
        audit.shown(self.request.membership, people, target_type="person", request=self.request)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        institution = data.pop("institution")
        serializer.instance = write(
            lambda: services.record_visit(
                membership=self.request.membership,
                institution=institution,
                data=data,
                request=self.request,
            )
        )

    @extend_schema(request=ObservationIn, responses=ObservationOut)
    @action(detail=True, methods=["post"])
    def observations(self, request, pk=None):
        """Add an observation on a topic."""
        visit = self.get_object()
        incoming = ObservationIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        observation = write(
            lambda: services.add_observation(
                membership=request.membership,
                visit=visit,
                request=request,
                **incoming.validated_data,
            )
        )
        return Response(ObservationOut(observation).data, status=201)

    @extend_schema(request=InterviewIn, responses=InterviewOut)
    @action(detail=True, methods=["post"])
    def interviews(self, request, pk=None):
        """Add a person interviewed (name stored encrypted) with their consent."""
        visit = self.get_object()
        incoming = InterviewIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        interview = write(
            lambda: services.add_interview(
                membership=request.membership,
                visit=visit,
                data=incoming.validated_data,
                request=request,
            )
        )
        return Response(InterviewOut(interview).data, status=201)

    @extend_schema(request=ChecklistIn, responses=ChecklistItemOut(many=True))
    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        """Answer the visit's checklist: {"answers": [{"question": id, "value": "..."}]};
        an empty value removes an answer. All answers are checked before any is saved."""
        visit = self.get_object()
        incoming = ChecklistIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        questions = {q.pk: q for q in selectors.checklist_for(request.membership, visit)}
        answers = {}
        for row in incoming.validated_data["answers"]:
            question = questions.get(row["question"])
            if question is None:
                raise serializers.ValidationError(
                    {"answers": _("This question is not on this visit's checklist.")}
                )
            answers[question] = row["value"]
        write(
            lambda: services.save_checklist(
                membership=request.membership, visit=visit, answers=answers, request=request
            )
        )
        # The answers prefetched with the visit are the old ones; read them afresh.
        visit = Visit.objects.get(pk=visit.pk)
        return Response(
            ChecklistItemOut(selectors.checklist_for(request.membership, visit), many=True).data
        )


class RecommendationViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Recommendations with the authorities' responses and follow-up status over time.
    POST …/responses/ records a response; ?status= filters."""

    serializer_class = RecommendationSerializer

    def visible(self, membership):
        qs = selectors.recommendations_visible_to(membership).prefetch_related("updates")
        status = self.request.query_params.get("status")
        if status in RecommendationStatus.values:
            qs = qs.filter(status=status)
        return qs

    def perform_create(self, serializer):
        serializer.instance = write(
            lambda: services.add_recommendation(
                membership=self.request.membership,
                data=serializer.validated_data,
                request=self.request,
            )
        )

    @extend_schema(request=ResponseIn, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def responses(self, request, pk=None):
        """Record the authority's response and the follow-up status on a day."""
        rec = self.get_object()
        incoming = ResponseIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        write(
            lambda: services.record_response(
                membership=request.membership,
                recommendation=rec,
                data=incoming.validated_data,
                request=request,
            )
        )
        rec.refresh_from_db()
        return Response(
            RecommendationSerializer(rec, context={"request": request}).data, status=201
        )
