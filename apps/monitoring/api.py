from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.permissions import HasMembership
from apps.monitoring import selectors, services
from apps.monitoring.models import AgencyReport, LicenceStatusChange, RecruitmentAgency
from apps.people.services import NotAllowed


class CanUseAgencyRegister(HasMembership):
    """Reading and adding reports need handle_calls or edit_agencies; writing entries needs
    edit_agencies (and, for a change, being the organisation that entered it)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):  # the view sets no required_permission
            return False
        m = request.membership
        if request.method in SAFE_METHODS or getattr(view, "action", None) == "add_report":
            # Whoever reads the register may add a report or comment to an entry.
            return selectors.can_read_agencies(m)
        return m.can(Permission.EDIT_AGENCIES)


class LicenceStatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.email", default="", read_only=True)
    organization = serializers.CharField(source="organization.name", default="", read_only=True)

    class Meta:
        model = LicenceStatusChange
        fields = ["old_status", "new_status", "changed_at", "changed_by", "organization"]


class AgencyReportSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = AgencyReport
        fields = ["id", "kind", "body", "organization", "created_at"]
        read_only_fields = ["id", "organization", "created_at"]


class AgencySerializer(serializers.ModelSerializer):
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2),
        required=False,
        help_text="ISO 3166-1 alpha-2 codes of the countries it sends people to.",
    )

    class Meta:
        model = RecruitmentAgency
        fields = [
            "id",
            "name",
            "other_names",
            "licence_number",
            "licence_status",
            "licence_valid_until",
            "countries",
            "city",
            "address",
            "phone",
            "notes",
            "updated_at",
            "entered_by",
            "status_history",
            "reports",
        ]
        read_only_fields = ["id", "updated_at", "entered_by", "status_history", "reports"]

    entered_by = serializers.CharField(
        source="created_by_organization.name", default="", read_only=True
    )
    status_history = LicenceStatusChangeSerializer(
        source="status_changes", many=True, read_only=True
    )
    reports = AgencyReportSerializer(many=True, read_only=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Agency name in Latin or Cyrillic spelling, or a licence number.",
            )
        ]
    )
)
class AgencyViewSet(viewsets.ModelViewSet):
    """The network's shared register of recruitment agencies (no client data).

    Read with handle_calls or edit_agencies; create and change with edit_agencies.
    The same validation as the screens; every write is audited."""

    serializer_class = AgencySerializer
    permission_classes = [CanUseAgencyRegister]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return RecruitmentAgency.objects.none()
        query = ""
        if self.action == "list":
            query = self.request.query_params.get("search", "")
        return selectors.agencies_for(self.request.membership, query)

    def _save(self, serializer, agency=None):
        try:
            serializer.instance = services.save_agency(
                membership=self.request.membership,
                data=dict(serializer.validated_data),
                agency=agency,
                request=self.request,
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    @extend_schema(request=AgencyReportSerializer, responses={201: AgencyReportSerializer})
    @action(detail=True, methods=["post"], url_path="reports")
    def add_report(self, request, pk=None):
        """Add a report or comment to any agency (the entry itself is edited only by the
        organisation that entered it)."""
        agency = selectors.agency_for(request.membership, pk)
        incoming = AgencyReportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            report = services.add_agency_report(
                membership=request.membership,
                agency=agency,
                kind=incoming.validated_data.get("kind", AgencyReport.Kind.COMMENT),
                body=incoming.validated_data["body"],
                request=request,
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)
        return Response(AgencyReportSerializer(report).data, status=201)
