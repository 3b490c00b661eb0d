"""Needs, service plans, planned and delivered services in the REST API; scoped
like the pages (the case's organisation, VIEW_CASES to read, EDIT_CASES to write)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.fields import ColleagueField
from apps.api.fields import choice_field as choice
from apps.api.permissions import HasMembership
from apps.assistance import selectors, services
from apps.assistance.models import (
    Currency,
    DeliveredService,
    NeedsAssessment,
    NeedStatus,
    PlannedService,
    PlannedServiceStatus,
    ServicePlan,
    ServiceType,
    Stage,
)
from apps.cases.selectors import case_for
from apps.people.services import NotAllowed, StaleEdit


class NeedsAssessmentSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    stage = choice(Stage.choices)
    needs = serializers.DictField(
        child=choice(NeedStatus.choices),
        help_text="Need code (of the stage) → status.",
    )

    class Meta:
        model = NeedsAssessment
        fields = ["id", "case", "stage", "assessed_on", "needs", "note", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        # One assessment per case and stage: a POST updates the existing one.
        validators: list = []


class PlannedServiceSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="plan.case_id")
    service_type = choice(ServiceType.choices)
    status = choice(PlannedServiceStatus.choices, required=False)
    provider_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    responsible = ColleagueField(required=False, allow_null=True)

    class Meta:
        model = PlannedService
        fields = [
            "id",
            "case",
            "service_type",
            "provider_name",
            "provider_organization",
            "planned_from",
            "planned_to",
            "responsible",
            "status",
        ]
        read_only_fields = ["id"]


class PlannedServiceStatusSerializer(serializers.Serializer):
    status = choice(PlannedServiceStatus.choices)


class ServicePlanSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    services = PlannedServiceSerializer(many=True, read_only=True)

    class Meta:
        model = ServicePlan
        fields = ["id", "case", "goals", "services", "created_at", "updated_at"]
        read_only_fields = ["id", "services", "created_at", "updated_at"]


class DeliveredServiceSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    service_type = choice(ServiceType.choices)
    currency = choice(Currency.choices, required=False, allow_blank=True)
    provider_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    confirm_over_limit = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Economic support over the organisation's limit is refused unless true.",
    )

    class Meta:
        model = DeliveredService
        fields = [
            "id",
            "case",
            "service_type",
            "delivered_on",
            "provider_name",
            "provider_organization",
            "quantity",
            "unit",
            "amount",
            "currency",
            "duration_days",
            "outcome",
            "over_limit",
            "confirm_over_limit",
        ]
        read_only_fields = ["id", "over_limit"]


def _write(call):
    """Run a service write, answering as the API does."""
    try:
        return call()
    except NotAllowed:
        raise PermissionDenied()
    except services.OverLimit as exc:
        raise ApiValidationError({"confirm_over_limit": exc.messages})
    except StaleEdit as exc:
        raise ApiValidationError({"version": [str(exc)]})
    except DjangoValidationError as exc:
        raise ApiValidationError(getattr(exc, "message_dict", None) or exc.messages)


class _CaseScoped(AuditedReadMixin, viewsets.GenericViewSet):
    # Needs, plans and services are about a person: lists and reads are audited.
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_CASES
    case_filter = "case_id"

    def visible(self, membership):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return self.serializer_class.Meta.model.objects.none()
        qs = self.visible(self.request.membership).order_by("-id")
        case = self.request.query_params.get("case")
        if case:
            try:
                qs = qs.filter(**{self.case_filter: int(case)})
            except ValueError:
                raise ApiValidationError({"case": [_("Give the number of a case.")]})
        return qs

    def case(self, case_id):
        return case_for(self.request.membership, case_id)


class NeedsAssessmentViewSet(
    _CaseScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Needs assessments (one per case and stage; POST creates or updates). ?case= filters."""

    serializer_class = NeedsAssessmentSerializer

    def visible(self, membership):
        return selectors.needs_assessments_visible_to(membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        case = self.case(data["case_id"])
        serializer.instance = _write(
            lambda: services.save_needs_assessment(
                membership=self.request.membership,
                case=case,
                stage=data["stage"],
                needs=data["needs"],
                assessed_on=data.get("assessed_on"),
                note=data.get("note", ""),
                request=self.request,
            )
        )


class ServicePlanViewSet(
    _CaseScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Service plans with their planned services (one plan per case; POST creates or
    updates the goals). ?case= filters."""

    serializer_class = ServicePlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible(self, membership):
        return selectors.service_plans_visible_to(membership).prefetch_related("services")

    def _save(self, serializer, case):
        serializer.instance = _write(
            lambda: services.save_service_plan(
                membership=self.request.membership,
                case=case,
                goals=serializer.validated_data.get("goals", ""),
                request=self.request,
            )
        )

    def perform_create(self, serializer):
        self._save(serializer, self.case(serializer.validated_data["case_id"]))

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance.case)


class PlannedServiceViewSet(
    _CaseScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Services planned for a case; PATCH changes the status only; DELETE takes the
    service off the plan. ?case= filters."""

    serializer_class = PlannedServiceSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    case_filter = "plan__case_id"

    def visible(self, membership):
        return selectors.planned_services_visible_to(membership).select_related("plan")

    def get_serializer_class(self):
        if self.action == "partial_update":
            return PlannedServiceStatusSerializer
        return PlannedServiceSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = self.case(data.pop("plan")["case_id"])
        serializer.instance = _write(
            lambda: services.add_planned_service(
                membership=self.request.membership, case=case, data=data, request=self.request
            )
        )

    @extend_schema(request=PlannedServiceStatusSerializer, responses=PlannedServiceSerializer)
    def partial_update(self, request, *args, **kwargs):
        service = self.get_object()
        serializer = PlannedServiceStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = _write(
            lambda: services.change_planned_service_status(
                membership=request.membership,
                service=service,
                status=serializer.validated_data["status"],
                request=request,
            )
        )
        return Response(PlannedServiceSerializer(service).data)

    def perform_destroy(self, instance):
        _write(
            lambda: services.remove_planned_service(
                membership=self.request.membership,
                service=instance,
                version=None,
                request=self.request,
            )
        )


class DeliveredServiceViewSet(
    _CaseScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Services delivered. Economic support over the organisation's limit per person
    and period answers 400 unless "confirm_over_limit": true. DELETE removes a service
    recorded by mistake. ?case= filters."""

    def perform_destroy(self, instance):
        _write(
            lambda: services.remove_delivered_service(
                membership=self.request.membership,
                service=instance,
                version=None,
                request=self.request,
            )
        )

    serializer_class = DeliveredServiceSerializer

    def visible(self, membership):
        return selectors.delivered_services_visible_to(membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_over_limit", False)
        case = self.case(data.pop("case_id"))
        serializer.instance = _write(
            lambda: services.record_delivered_service(
                membership=self.request.membership,
                case=case,
                data=data,
                confirm_over_limit=confirm,
                request=self.request,
            )
        )
