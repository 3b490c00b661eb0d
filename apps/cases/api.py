from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.fields import ColleagueField
from apps.api.permissions import HasMembership
from apps.cases import selectors, services
from apps.cases.models import Case
from apps.core.selectors import reference_codes
from apps.people.selectors import person_for
from apps.people.services import NotAllowed, StaleEdit


class CaseSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")
    reference = serializers.CharField(read_only=True)
    exploitation = serializers.ListField(child=serializers.CharField(), required=False)
    countries_of_recruitment = serializers.ListField(child=serializers.CharField(), required=False)
    countries_of_transit = serializers.ListField(child=serializers.CharField(), required=False)
    countries_of_exploitation = serializers.ListField(child=serializers.CharField(), required=False)
    means_of_control = serializers.ListField(child=serializers.CharField(), required=False)
    version = serializers.IntegerField(required=False)
    assigned_to = ColleagueField(required=False, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "person",
            "case_type",
            "status",
            "closure_reason",
            "assigned_to",
            "exploitation",
            "countries_of_recruitment",
            "countries_of_transit",
            "countries_of_exploitation",
            "recruitment_channel",
            "means_of_control",
            "opened_on",
            "exploitation_began_on",
            "exploitation_ended_on",
            "identified_on",
            "closed_on",
            "version",
        ]
        read_only_fields = ["id", "reference", "status", "closure_reason", "closed_on"]

    def _codes(self, kind, values):
        known = reference_codes(kind)
        bad = [v for v in values if v not in known]
        if bad:
            raise serializers.ValidationError(_("Unknown codes: %s") % ", ".join(bad))
        return values

    def validate_case_type(self, value):
        return self._codes("case_type", [value])[0]

    def validate_exploitation(self, value):
        return self._codes("exploitation", value)

    def validate_means_of_control(self, value):
        return self._codes("means_of_control", value)

    def validate_recruitment_channel(self, value):
        return self._codes("recruitment_channel", [value])[0] if value else value

    def validate_countries_of_recruitment(self, value):
        return self._codes("country", [v.upper() for v in value])

    validate_countries_of_transit = validate_countries_of_recruitment
    validate_countries_of_exploitation = validate_countries_of_recruitment


class CaseViewSet(AuditedReadMixin, viewsets.ModelViewSet):
    """Cases of the caller's organisation; lists and views are audited."""

    audit_target_type = "case"

    serializer_class = CaseSerializer
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_CASES
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Case.objects.none()
        return selectors.cases_visible_to(self.request.membership).order_by("-id")

    def get_object(self):
        return selectors.case_for(self.request.membership, self.kwargs["pk"])

    def audit_retrieved(self, instance):
        services.record_case_view(
            membership=self.request.membership, case=instance, request=self.request
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        person = person_for(self.request.membership, data.pop("person_id"))
        try:
            serializer.instance = services.open_case(
                membership=self.request.membership, person=person, data=data, request=self.request
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(getattr(exc, "message_dict", None) or exc.messages)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("person_id", None)
        expected = data.pop("version", None)
        if expected is None:
            raise ApiValidationError(
                {"version": [_("Send the version you read, so that no update is lost.")]}
            )
        try:
            serializer.instance = services.update_case(
                membership=self.request.membership,
                case=serializer.instance,
                data=data,
                expected_version=expected,
                request=self.request,
            )
        except NotAllowed:
            raise PermissionDenied()
        except StaleEdit as exc:
            raise ApiValidationError({"version": [str(exc)]})
        except DjangoValidationError as exc:
            raise ApiValidationError(getattr(exc, "message_dict", None) or exc.messages)
