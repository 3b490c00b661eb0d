"""Screenings over the API: list, read (audited) and record; never changed or deleted."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.permissions import HasMembership
from apps.cases.selectors import case_for
from apps.hotline.selectors import call_for
from apps.people.selectors import person_for
from apps.people.services import NotAllowed
from apps.screening import selectors, services
from apps.screening.forms import NOTE_MAX_LENGTH, validate_links, validate_not_future
from apps.screening.models import Answer, Screening


class ScreeningSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")
    case = serializers.IntegerField(source="case_id", required=False, allow_null=True)
    call = serializers.IntegerField(source="call_id", required=False, allow_null=True)
    screened_on = serializers.DateField(required=False, validators=[validate_not_future])
    under_18_at_exploitation = serializers.ChoiceField(
        choices=Answer.choices, required=False, default=Answer.UNKNOWN
    )
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=Answer.choices),
        help_text="Indicator code -> yes, no or unknown; indicators left out count as unknown.",
    )
    notes = serializers.DictField(
        child=serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True),
        required=False,
        help_text="Indicator code -> a note on the answer.",
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The indicator codes that drove the result.",
    )
    rule_set = serializers.CharField(source="rule_set.version", read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "person",
            "case",
            "call",
            "screened_on",
            "under_18_at_exploitation",
            "answers",
            "notes",
            "result",
            "reasons",
            "child_protection",
            "rule_set",
        ]
        read_only_fields = ["id", "result", "reasons", "child_protection", "rule_set"]

    def validate_notes(self, value):
        known = {i.code for i in selectors.active_indicators()}
        unknown = sorted(code for code in value if code not in known)
        if unknown:
            raise serializers.ValidationError(_("Unknown indicators: %s") % ", ".join(unknown))
        return value


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("person", int, description="Only this person's screenings.")]
    )
)
class ScreeningViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Screenings of the caller's organisation. The result is computed by the active rule set
    from the answers; reads of one screening are audited."""

    serializer_class = ScreeningSerializer
    audit_target_type = "screening"
    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_PEOPLE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Screening.objects.none()
        qs = selectors.screenings_visible_to(self.request.membership).select_related("rule_set")
        person_id = self.request.query_params.get("person")
        if person_id and self.action == "list":
            qs = qs.filter(person=person_for(self.request.membership, person_id))
        return qs.order_by("-screened_on", "-id")

    def get_object(self):
        return selectors.screening_for(self.request.membership, self.kwargs["pk"])

    def audit_retrieved(self, instance):
        services.record_screening_view(
            membership=self.request.membership, screening=instance, request=self.request
        )

    def perform_create(self, serializer):
        m = self.request.membership
        data = serializer.validated_data
        # Another organisation's person, case or call answers 404, as in the UI.
        person = person_for(m, data["person_id"])
        case = case_for(m, data["case_id"]) if data.get("case_id") else None
        call = call_for(m, data["call_id"]) if data.get("call_id") else None
        try:
            validate_links(person, case, call)
            serializer.instance = services.record_screening(
                membership=m,
                person=person,
                answers=data["answers"],
                notes=data.get("notes") or {},
                under_18=data.get("under_18_at_exploitation", Answer.UNKNOWN),
                screened_on=data.get("screened_on"),
                case=case,
                call=call,
                request=self.request,
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(getattr(exc, "message_dict", None) or exc.messages)
