from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import SAFE_METHODS

from apps.accounts.roles import Permission
from apps.api.permissions import HasMembership
from apps.monitoring import selectors, services
from apps.monitoring.models import RecruitmentAgency
from apps.people.services import NotAllowed


class CanUseAgencyRegister(HasMembership):
    """Reading needs handle_calls or edit_agencies; writing needs edit_agencies."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):  # the view sets no required_permission
            return False
        m = request.membership
        if request.method in SAFE_METHODS:
            return selectors.can_read_agencies(m)
        return m.can(Permission.EDIT_AGENCIES)


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
        ]
        read_only_fields = ["id", "updated_at"]


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
