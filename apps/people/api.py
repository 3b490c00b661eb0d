from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.permissions import HasMembership
from apps.core.models import AuditEntry
from apps.core.selectors import reference_codes
from apps.people import selectors, services
from apps.people.models import Person
from apps.people.validation import parse_partial_date


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.SerializerMethodField()
    external_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="Register number."
    )
    other_names = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    document_numbers = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False
    )
    languages = serializers.ListField(child=serializers.CharField(max_length=10), required=False)
    version = serializers.IntegerField(required=False)
    match = serializers.SerializerMethodField(
        help_text='How a search found the person: "name", "phone" or "document"; '
        "null outside a search."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "external_id",
            "code",
            "full_name",
            "family_name",
            "given_name",
            "patronymic",
            "other_names",
            "sex",
            "birth_date",
            "birth_year",
            "citizenship",
            "region",
            "district",
            "phones",
            "document_numbers",
            "address",
            "languages",
            "disabilities",
            "hide_name",
            "version",
            "match",
        ]
        read_only_fields = ["id", "code", "birth_year"]

    def get_full_name(self, obj) -> str:
        return obj.full_name

    @extend_schema_field(
        {"type": "string", "enum": ["name", "phone", "document"], "nullable": True}
    )
    def get_match(self, obj):
        return getattr(obj, "search_match", None)

    def validate_birth_date(self, value):
        try:
            normalised, _year = parse_partial_date(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages)
        return normalised

    def validate_region(self, value):
        if value and value not in reference_codes("region"):
            raise serializers.ValidationError(_("Unknown region code."))
        return value

    def validate_citizenship(self, value):
        value = (value or "").upper()
        if value and value not in reference_codes("country"):
            raise serializers.ValidationError(_("Unknown ISO 3166 country code."))
        return value

    def validate(self, attrs):
        if "birth_date" in attrs:
            attrs["birth_year"] = int(attrs["birth_date"][:4]) if attrs["birth_date"] else None
        return attrs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description=(
                    "Name in any script (tolerant of one-letter errors), phone number in any "
                    "format or document number. Each result's `match` says how it was found."
                ),
            )
        ]
    )
)
class PersonViewSet(AuditedReadMixin, viewsets.ModelViewSet):
    """People of the caller's organisation. Every read and write is audited; the API
    gives hidden names too, so a read of a hidden name is audited as the name shown."""

    audit_target_type = "person"

    serializer_class = PersonSerializer
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_PEOPLE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Person.objects.none()
        return selectors.people_visible_to(self.request.membership).order_by("-id")

    def list(self, request, *args, **kwargs):
        query = request.query_params.get("search", "").strip()
        if query:
            # The query itself is a name or a number: it is never written to the audit trail.
            people = selectors.search_people(request.membership, query)
            return self.audited_list(
                people,
                action=AuditEntry.Action.SEARCH,
                detail={"results": len(people), "found_by": selectors.match_counts(people)},
            )
        return super().list(request, *args, **kwargs)

    def audit_listed(self, rows, *, action=AuditEntry.Action.VIEW, detail=None):
        hidden = [p.pk for p in rows if p.hide_name]
        if hidden:
            detail = {**(detail or {}), "names_revealed": hidden}
        super().audit_listed(rows, action=action, detail=detail)

    def get_object(self):
        return selectors.person_for(self.request.membership, self.kwargs["pk"])

    def audit_retrieved(self, instance):
        services.record_person_view(
            membership=self.request.membership,
            person=instance,
            request=self.request,
            revealed=instance.hide_name,
        )

    def perform_create(self, serializer):
        try:
            serializer.instance = services.create_person(
                membership=self.request.membership,
                data=serializer.validated_data,
                request=self.request,
            )
        except services.NotAllowed:
            raise PermissionDenied()
        except services.RegisterNumberTaken as exc:
            raise ApiValidationError({"external_id": [str(exc)]})

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None:
            raise ApiValidationError(
                {"version": [_("Send the version you read, so that no update is lost.")]}
            )
        try:
            serializer.instance = services.update_person(
                membership=self.request.membership,
                person=serializer.instance,
                data=data,
                expected_version=expected,
                request=self.request,
            )
        except services.NotAllowed:
            raise PermissionDenied()
        except services.StaleEdit as exc:
            raise ApiValidationError({"version": [str(exc)]})
        except services.RegisterNumberTaken as exc:
            raise ApiValidationError({"external_id": [str(exc)]})
