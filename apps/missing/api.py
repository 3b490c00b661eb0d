from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.permissions import HasMembership
from apps.core import audit
from apps.core.models import AuditEntry
from apps.missing import selectors, services
from apps.missing.models import (
    AppealMatch,
    AppealNote,
    AppealStatus,
    ClosureReason,
    MissingPersonAppeal,
)
from apps.people.models import Sex
from apps.people.services import NotAllowed, StaleEdit


class MissingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    phones = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=10
    )


class AppealNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealNote
        fields = ["id", "status", "body", "created_at"]
        read_only_fields = ["id", "created_at"]


class AppealSerializer(serializers.ModelSerializer):
    missing_person = MissingPersonSerializer(
        source="person", help_text="The missing person (registered as a person on creation)."
    )
    agency = serializers.IntegerField(source="agency_id", required=False, allow_null=True)
    case = serializers.IntegerField(source="case_id", read_only=True)
    notes = AppealNoteSerializer(many=True, read_only=True)
    pending_matches = serializers.SerializerMethodField()

    class Meta:
        model = MissingPersonAppeal
        fields = [
            "id",
            "missing_person",
            *[f for f in services.APPEAL_FIELDS if f != "agency"],
            "agency",
            "status",
            "closure_reason",
            "closed_on",
            "case",
            "version",
            "notes",
            "pending_matches",
        ]
        read_only_fields = ["id", "status", "closure_reason", "closed_on", "case", "version"]

    def get_pending_matches(self, appeal) -> int:
        """Possible matches waiting for a decision (their names only under /matches/)."""
        return selectors.pending_match_count(self.context["request"].membership, appeal)


class AppealUpdateSerializer(AppealSerializer):
    missing_person = MissingPersonSerializer(source="person", read_only=True)
    version = serializers.IntegerField(help_text="The version read; a stale one answers 409.")

    class Meta(AppealSerializer.Meta):
        read_only_fields = ["id", "status", "closure_reason", "closed_on", "case"]


class CloseSerializer(serializers.Serializer):
    closure_reason = serializers.ChoiceField(choices=ClosureReason.choices)
    closed_on = serializers.DateField(required=False)


class MatchSerializer(serializers.ModelSerializer):
    person = MissingPersonSerializer(read_only=True)
    cases = serializers.SerializerMethodField()

    class Meta:
        model = AppealMatch
        fields = ["id", "person", "found_by", "decision", "cases"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_cases(self, match):
        return [c.pk for c in getattr(match, "cases", [])]


class CaseLinkSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="A case of the caller's organisation.")


class DecisionSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()


def _errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


class MissingPersonAppealViewSet(viewsets.ModelViewSet):
    """Relatives' appeals about people missing abroad, of the caller's organisation
    (handle_missing_appeals). Another organisation's appeal answers 404. Possible
    matches with the organisation's people and cases are listed under /matches/ for
    members who may view people only."""

    serializer_class = AppealSerializer
    permission_classes = [HasMembership]
    required_permission = Permission.HANDLE_MISSING_APPEALS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return AppealUpdateSerializer
        return AppealSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MissingPersonAppeal.objects.none()
        status = self.request.query_params.get("status", "")
        return selectors.appeals_for(
            self.request.membership, status=status if status in AppealStatus.values else ""
        ).prefetch_related("notes")

    def get_object(self):
        return selectors.appeal_for(self.request.membership, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        data = response.data
        rows = data.get("results", []) if isinstance(data, dict) else data
        audit.shown(request.membership, [r["id"] for r in rows],
                    target_type="missingpersonappeal", request=request)  # fmt: skip
        return response

    def retrieve(self, request, *args, **kwargs):
        appeal = self.get_object()
        audit.by_member(AuditEntry.Action.VIEW, request.membership, appeal, request,
                        {"person": appeal.person_id})  # fmt: skip
        return Response(self.get_serializer(appeal).data)

    def create(self, request, *args, **kwargs):
        body = AppealSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        person = dict(data.pop("person"))
        if "agency_id" in data:
            data["agency"] = data.pop("agency_id")
        try:
            appeal = services.create_appeal(
                membership=request.membership, data=data, person=person, request=request
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(_errors(exc))
        return Response(self.get_serializer(appeal).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        appeal = self.get_object()
        body = AppealUpdateSerializer(data=request.data, partial=True,
                                      context=self.get_serializer_context())  # fmt: skip
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ApiValidationError({"version": ["Give the version you read."]})
        if "agency_id" in data:
            data["agency"] = data.pop("agency_id")
        try:
            appeal = services.update_appeal(membership=request.membership, appeal=appeal,
                                            data=data, expected_version=version,
                                            request=request)  # fmt: skip
        except NotAllowed:
            raise PermissionDenied()
        except StaleEdit as exc:
            return Response({"detail": str(exc)}, status=409)
        except DjangoValidationError as exc:
            raise ApiValidationError(_errors(exc))
        return Response(AppealSerializer(appeal, context=self.get_serializer_context()).data)

    @extend_schema(request=AppealNoteSerializer, responses={201: AppealNoteSerializer})
    @action(detail=True, methods=["post"], url_path="notes")
    def add_note(self, request, pk=None):
        """A follow-up note; its status becomes the appeal's."""
        appeal = self.get_object()
        body = AppealNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            note = services.add_note(membership=request.membership, appeal=appeal,
                                     request=request, **body.validated_data)  # fmt: skip
        except DjangoValidationError as exc:
            raise ApiValidationError(_errors(exc))
        return Response(AppealNoteSerializer(note).data, status=201)

    @extend_schema(request=CloseSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"], url_path="close")
    def close(self, request, pk=None):
        appeal = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.close_appeal(
                membership=request.membership, appeal=appeal,
                reason=body.validated_data["closure_reason"],
                closed_on=body.validated_data.get("closed_on"), request=request,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ApiValidationError(_errors(exc))
        return Response(self.get_serializer(appeal).data)

    @extend_schema(responses={200: MatchSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="matches")
    def matches(self, request, pk=None):
        """Possible matches, with their cases (members who may view people; else 403)."""
        appeal = self.get_object()
        if not selectors.may_see_matches(request.membership):
            raise PermissionDenied()
        matches = list(selectors.matches_of(request.membership, appeal))
        cases = selectors.cases_of_matches(request.membership, matches)
        for x in matches:
            x.cases = cases.get(x.person_id, [])
        audit.shown(request.membership, [x.person_id for x in matches], target_type="person",
                    request=request, detail={"appeal": appeal.pk})  # fmt: skip
        return Response(MatchSerializer(matches, many=True).data)

    @extend_schema(request=DecisionSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"], url_path=r"matches/(?P<match_id>\d+)/decide")
    def decide(self, request, pk=None, match_id=None):
        """Confirm (the appeal follows the person's trafficking case) or reject a match."""
        appeal = self.get_object()
        if not selectors.may_see_matches(request.membership):
            raise PermissionDenied()
        match = selectors.match_for(request.membership, appeal, match_id)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.decide_match(membership=request.membership, match=match,
                                  confirmed=body.validated_data["confirmed"],
                                  request=request)  # fmt: skip
        except DjangoValidationError as exc:
            raise ApiValidationError(_errors(exc))
        appeal.refresh_from_db()
        return Response(self.get_serializer(appeal).data)

    @extend_schema(request=CaseLinkSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"], url_path="case")
    def link_case(self, request, pk=None):
        """Tie the appeal to a trafficking case of the organisation (the person was found
        and is followed there); needs view_cases."""
        from apps.cases.selectors import cases_visible_to

        appeal = self.get_object()
        if not request.membership.can(Permission.VIEW_CASES):
            raise PermissionDenied()
        body = CaseLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = cases_visible_to(request.membership).filter(pk=body.validated_data["case"]).first()
        try:
            services.link_case(membership=request.membership, appeal=appeal, case=case,
                               request=request)  # fmt: skip
        except DjangoValidationError as exc:
            raise ApiValidationError(_errors(exc))
        return Response(self.get_serializer(appeal).data)
