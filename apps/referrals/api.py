"""REST API: consents, the service directory and referrals, with the same scoping as the
pages. The receiving organisation gets only the consented fields, after acceptance."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.permissions import HasMembership
from apps.assistance.models import ServiceType
from apps.cases import services as case_services
from apps.cases.models import Consent, ConsentScope
from apps.cases.selectors import case_for
from apps.people.selectors import person_for
from apps.people.services import NotAllowed, StaleEdit
from apps.referrals import selectors, services
from apps.referrals.models import (
    REFERRAL_TEXT_FIELDS,
    DirectoryEntry,
    DirectoryService,
    Referral,
    ReferralStatus,
    SharedField,
    SpecialNeed,
    Urgency,
    need_choices,
)


def _api_errors(exc):
    if isinstance(exc, NotAllowed):
        return PermissionDenied()
    return ApiValidationError(exc.messages)


# --- consents ---------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")
    case = serializers.IntegerField(source="case_id", required=False, allow_null=True)
    in_force = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "case",
            "scope",
            "given_on",
            "valid_until",
            "note",
            "withdrawn_on",
            "in_force",
        ]
        read_only_fields = ["id", "withdrawn_on", "in_force"]


class ConsentViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consents of the people of the caller's organisation; withdrawable."""

    serializer_class = ConsentSerializer
    audit_target_type = "consent"
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_PEOPLE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consent.objects.none()
        return Consent.objects.filter(
            person__organization_id=self.request.membership.organization_id
        ).order_by("-id")

    def perform_create(self, serializer):
        m = self.request.membership
        data = serializer.validated_data
        person = person_for(m, data["person_id"])
        case = None
        if data.get("case_id"):
            case = case_for(m, data["case_id"])
            if case.person_id != person.pk:
                raise ApiValidationError({"case": [_("The case is not this person's.")]})
        try:
            serializer.instance = case_services.record_consent(
                membership=m,
                person=person,
                scope=data["scope"],
                case=case,
                given_on=data.get("given_on"),
                valid_until=data.get("valid_until"),
                note=data.get("note", ""),
                request=self.request,
            )
        except (NotAllowed, DjangoValidationError) as exc:
            raise _api_errors(exc)

    @extend_schema(request=None, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The person takes the consent back; referrals based on it lose access at once."""
        consent = self.get_object()
        try:
            case_services.withdraw_consent(
                membership=request.membership, consent=consent, request=request
            )
        except (NotAllowed, DjangoValidationError) as exc:
            raise _api_errors(exc)
        return Response(ConsentSerializer(consent).data)


# --- directory --------------------------------------------------------------


class DirectoryServiceSerializer(serializers.ModelSerializer):
    service_type = serializers.CharField(
        read_only=True, help_text="Service type code: " + ", ".join(ServiceType.values)
    )
    beds_free = serializers.SerializerMethodField(
        help_text="Shelter beds free today (shelter service only): counted from a member "
        "shelter's stays and capacity; typed for a public entry; null when unknown."
    )

    class Meta:
        model = DirectoryService
        fields = ["service_type", "capacity", "beds_free", "note"]

    def get_beds_free(self, obj) -> int | None:
        return getattr(obj, "beds_free_shown", None)


class DirectoryEntrySerializer(serializers.ModelSerializer):
    services = DirectoryServiceSerializer(many=True, read_only=True)
    regions = serializers.ListField(child=serializers.CharField())
    target_groups = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(
        read_only=True,
        help_text="The description in the request's language, else in another one filled.",
    )

    class Meta:
        model = DirectoryEntry
        fields = [
            "id",
            "organization",
            "name",
            "description",
            "description_en",
            "description_ru",
            "description_ky",
            "org_type",
            "city",
            "regions",
            "target_groups",
            "languages",
            "hours",
            "is_public",
            "services",
        ]


class DirectoryServiceRowSerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(
        ServiceType.choices, help_text="Service type code: " + ", ".join(ServiceType.values)
    )
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DirectoryEntryWriteSerializer(serializers.Serializer):
    """The organisation's own entry. `services` is the whole list offered (rows left out
    are removed); without it (PATCH) the services stay as they are. `version`, as read,
    makes a save refused (400) if someone else saved the entry in between."""

    name = serializers.CharField(max_length=200, required=False)
    description_en = serializers.CharField(required=False, allow_blank=True)
    description_ru = serializers.CharField(required=False, allow_blank=True)
    description_ky = serializers.CharField(required=False, allow_blank=True)
    org_type = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    regions = serializers.ListField(child=serializers.CharField(), required=False)
    target_groups = serializers.ListField(child=serializers.CharField(), required=False)
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    hours = serializers.CharField(max_length=200, required=False, allow_blank=True)
    services = DirectoryServiceRowSerializer(many=True, required=False)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Text search"),
            OpenApiParameter("service", str, enum=ServiceType.values),
            OpenApiParameter("region", str, description="Region code served"),
        ]
    ),
    update=extend_schema(request=DirectoryEntryWriteSerializer, responses=DirectoryEntrySerializer),
    partial_update=extend_schema(
        request=DirectoryEntryWriteSerializer, responses=DirectoryEntrySerializer
    ),
)
class DirectoryEntryViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The service directory: member organisations' entries and public entries. An
    organisation admin changes the own organisation's entry with PUT or PATCH (another
    organisation's entry or a public one answers 404, other roles 403)."""

    serializer_class = DirectoryEntrySerializer
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_CASES

    def get_queryset(self):
        p = self.request.query_params
        return selectors.directory_entries(
            q=p.get("q", ""), service=p.get("service", ""), region=p.get("region", "")
        )

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        data = self.get_serializer(
            selectors.with_beds_free(qs if page is None else page), many=True
        ).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        (entry,) = selectors.with_beds_free([self.get_object()])
        return Response(self.get_serializer(entry).data)

    def update(self, request, *args, **kwargs):
        m = request.membership
        if not m.can(Permission.MANAGE_ORGANIZATION):
            raise PermissionDenied()
        entry = selectors.directory_entry_to_edit(m, kwargs["pk"])
        body = DirectoryEntryWriteSerializer(data=request.data, partial=kwargs.get("partial"))
        body.is_valid(raise_exception=True)
        d = body.validated_data
        current = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
        rows = d.get("services")
        if rows is None:
            rows = [
                {"service_type": s.service_type, "capacity": s.capacity, "note": s.note}
                for s in entry.services.all()
            ]
        try:
            entry = services.save_directory_entry(
                membership=m,
                entry=entry,
                data={**current, **{k: v for k, v in d.items() if k in current}},
                services=rows,
                version=d.get("version"),
                request=request,
            )
        except StaleEdit as exc:
            raise ApiValidationError({"version": [str(exc)]})
        except (NotAllowed, DjangoValidationError) as exc:
            raise _api_errors(exc)
        (entry,) = selectors.with_beds_free([self.get_queryset().get(pk=entry.pk)])
        return Response(DirectoryEntrySerializer(entry, context={"request": request}).data)


# --- referrals --------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    """Both sides' view. `case` and `consent` are given to the sender only; the free texts
    (`purpose`, `message`, `needs`) to the receiver only where consented; `shared` holds the consented fields, for the receiver only after acceptance and
    while the consent is in force (otherwise empty)."""

    reference = serializers.CharField(read_only=True)
    side = serializers.SerializerMethodField()
    services = serializers.ListField(
        child=serializers.CharField(),
        help_text="Service type codes: " + ", ".join(ServiceType.values),
    )
    shared_fields = serializers.ListField(
        child=serializers.ChoiceField(SharedField.choices), required=False
    )
    shared = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text="sent, accepted, declined, in_progress, completed, cancelled"
    )
    case = serializers.IntegerField(source="case_id", required=False, allow_null=True)
    consent = serializers.IntegerField(source="consent_id", required=False, allow_null=True)
    to_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    to_entry = serializers.PrimaryKeyRelatedField(
        queryset=DirectoryEntry.objects.all(), required=False, allow_null=True
    )
    consent_valid_until = serializers.DateField(write_only=True, required=False)
    confirm_unlisted = serializers.BooleanField(write_only=True, required=False, default=False)
    urgency = serializers.ChoiceField(Urgency.choices, required=False, default=Urgency.ROUTINE)
    needs_requested = serializers.ListField(
        child=serializers.ChoiceField(need_choices()), required=False
    )
    special_needs = serializers.ListField(
        child=serializers.ChoiceField(SpecialNeed.choices), required=False
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "side",
            "case",
            "from_organization",
            "to_organization",
            "to_entry",
            "services",
            "consent",
            "consent_valid_until",
            "shared_fields",
            "shared",
            "purpose",
            "message",
            "needs",
            "urgency",
            "needs_requested",
            "special_needs",
            "status",
            "decline_reason",
            "sent_at",
            "answered_at",
            "completed_at",
            "cancelled_at",
            "confirm_unlisted",
        ]
        read_only_fields = [
            "id",
            "from_organization",
            "status",
            "decline_reason",
            "sent_at",
            "answered_at",
            "completed_at",
            "cancelled_at",
        ]

    def validate_services(self, value):
        bad = [v for v in value if v not in ServiceType.values]
        if bad or not value:
            raise serializers.ValidationError(_("Unknown codes: %s") % ", ".join(bad))
        return value

    def _side(self, obj) -> str:
        m = self.context["request"].membership
        return "sender" if obj.from_organization_id == m.organization_id else "receiver"

    def get_side(self, obj) -> str:
        return self._side(obj)

    @staticmethod
    def _receiver_may_read(obj) -> bool:
        # The consent was loaded with the referral in this request (the list's and the
        # detail's selectors do that), so no query per row.
        return selectors.receiver_may_read(obj, reload=False)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_shared(self, obj) -> dict:
        if self._side(obj) == "receiver" and not self._receiver_may_read(obj):
            return {}
        return selectors.shared_view(obj)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if self._side(obj) == "receiver":
            data["case"] = None
            data["consent"] = None
            if not self._receiver_may_read(obj):
                for key in (*REFERRAL_TEXT_FIELDS, "shared_fields"):
                    data[key] = [] if key == "shared_fields" else ""
            else:
                # Free texts reach the receiver only where consented, as in `shared`.
                consented = set(obj.shared_fields or [])
                for key in REFERRAL_TEXT_FIELDS:
                    if key not in consented:
                        data[key] = ""
        return data


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PartnerAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        [
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
            ReferralStatus.IN_PROGRESS,
            ReferralStatus.COMPLETED,
        ],
        help_text="accepted, declined (with a reason), in_progress or completed",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SummaryRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class StatusSerializer(serializers.Serializer):
    status = serializers.RegexField(
        r"^(in_progress|completed|cancelled)$",
        help_text="in_progress or completed (receiver), cancelled (sender)",
    )


class DeliverySerializer(serializers.Serializer):
    service_type = serializers.RegexField(
        "^(" + "|".join(ServiceType.values) + ")$",
        help_text="Service type code: " + ", ".join(ServiceType.values),
    )
    delivered_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("box", str, enum=["sent", "received"])],
    )
)
class ReferralViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals sent by or to the caller's organisation. The receiving side sees the
    consented fields only after accepting and while the consent is in force; before that
    and after the consent is withdrawn, retrieving the referral answers 404."""

    serializer_class = ReferralSerializer
    audit_target_type = "referral"
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_CASES

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        m = self.request.membership
        box = self.request.query_params.get("box", "")
        sent = selectors.referrals_sent(m)
        received = selectors.referrals_received(m)
        if box == "sent":
            qs = sent
        elif box == "received":
            qs = received
        else:
            qs = sent | received
        return qs.select_related("case__person", "consent").order_by("-sent_at", "-id")

    def _get(self, pk, *, readable=True):
        m = self.request.membership
        try:
            return selectors.sent_referral_for(m, pk)
        except Http404:
            return selectors.received_referral_for(m, pk, readable=readable)

    def get_object(self):
        return self._get(self.kwargs["pk"])

    def audit_retrieved(self, referral):
        if referral.to_organization_id == self.request.membership.organization_id:
            services.record_shared_view(
                membership=self.request.membership, referral=referral, request=self.request
            )
        else:
            super().audit_retrieved(referral)

    def perform_create(self, serializer):
        m = self.request.membership
        d = serializer.validated_data
        if not d.get("case_id"):
            raise ApiValidationError({"case": [_("This field is required.")]})
        case = case_for(m, d["case_id"])
        consent = None
        if d.get("consent_id"):
            consent = Consent.objects.filter(
                pk=d["consent_id"],
                person__organization_id=m.organization_id,
                scope=ConsentScope.REFERRAL,
            ).first()
            if consent is None:
                raise ApiValidationError({"consent": [_("Unknown consent.")]})
        elif not d.get("consent_valid_until"):
            raise ApiValidationError(
                {"consent": [_("Give a referral consent or record one with its end date.")]}
            )
        try:
            serializer.instance = services.create_referral(
                membership=m,
                case=case,
                services=d["services"],
                shared_fields=d.get("shared_fields", []),
                to_organization=d.get("to_organization"),
                to_entry=d.get("to_entry"),
                consent=consent,
                consent_valid_until=d.get("consent_valid_until"),
                purpose=d.get("purpose", ""),
                message=d.get("message", ""),
                needs=d.get("needs", ""),
                urgency=d.get("urgency", Urgency.ROUTINE),
                needs_requested=d.get("needs_requested", []),
                special_needs=d.get("special_needs", []),
                confirm_unlisted=d.get("confirm_unlisted", False),
                request=self.request,
            )
        except services.UnlistedServices as exc:
            raise ApiValidationError(
                {"confirm_unlisted": exc.messages, "unlisted_services": exc.missing}
            )
        except (NotAllowed, DjangoValidationError) as exc:
            raise _api_errors(exc)

    def _do(self, fn, **kw):
        try:
            referral = fn(membership=self.request.membership, request=self.request, **kw)
        except (NotAllowed, DjangoValidationError) as exc:
            raise _api_errors(exc)
        return referral

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        referral = self._do(services.accept_referral, referral=self._get(pk, readable=False))
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=DeclineSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = self._do(
            services.decline_referral,
            referral=self._get(pk, readable=False),
            reason=body.validated_data["reason"],
        )
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=StatusSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = self._do(
            services.change_status, referral=self._get(pk), status=body.validated_data["status"]
        )
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=DeliverySerializer, responses={201: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def deliveries(self, request, pk=None):
        body = DeliverySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = self._do(
            services.record_service_delivered, referral=self._get(pk), **body.validated_data
        )
        return Response(DeliverySerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PartnerAnswerSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="partner-answer")
    def partner_answer(self, request, pk=None):
        """The sender records the answer of an organisation outside Koldoo."""
        body = PartnerAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = self._do(
            services.record_partner_answer,
            referral=selectors.sent_referral_for(request.membership, pk),
            **body.validated_data,
        )
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=None, responses=SummaryRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """Before answering: sex, age band, services and needs asked for, urgency,
        languages, special needs; no identity. Only while the referral waits for the
        receiver's answer and its consent is in force, else 404."""
        referral = selectors.summary_referral_for(request.membership, pk)
        services.record_summary_view(
            membership=request.membership, referral=referral, request=request
        )
        rows = selectors.referral_summary(referral)
        return Response([{"label": str(label), "value": str(value)} for label, value in rows])
