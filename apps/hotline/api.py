from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.permissions import HasMembership
from apps.core.selectors import reference_codes
from apps.hotline import selectors, services
from apps.hotline.models import Call
from apps.monitoring.selectors import agencies_for
from apps.people.services import NotAllowed, StaleEdit


class RegisterAgencyField(serializers.PrimaryKeyRelatedField):
    """An agency of the register as the requesting member reads it."""

    def get_queryset(self):
        request = self.context.get("request")
        return agencies_for(getattr(request, "membership", None))


class CallSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    agency = RegisterAgencyField(required=False, allow_null=True)
    topics = serializers.ListField(child=serializers.CharField(), required=False)
    finish = serializers.BooleanField(
        write_only=True, default=True, help_text="false keeps the call as a draft"
    )
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Call
        fields = [
            "id",
            "reference",
            "is_draft",
            "channel",
            "direction",
            "started_at",
            "duration_minutes",
            "caller_category",
            "caller_region",
            "language",
            "topics",
            "urgency",
            "caller_name",
            "caller_phone",
            "destination_country",
            "agency",
            "summary",
            "answer",
            "outcome",
            "follow_up_due",
            "follow_up_done_at",
            "person",
            "case",
            "version",
            "finish",
        ]
        read_only_fields = ["id", "reference", "is_draft", "follow_up_done_at", "person", "case"]

    def validate_topics(self, value):
        unknown = sorted(set(value) - reference_codes("call_topic"))
        if unknown:
            raise serializers.ValidationError(_("Unknown codes: %s") % ", ".join(unknown))
        return value

    def validate_destination_country(self, value):
        if value and value not in reference_codes("country"):
            raise serializers.ValidationError(_("Unknown country code."))
        return value

    def validate_caller_region(self, value):
        if value and value not in reference_codes("region"):
            raise serializers.ValidationError(_("Unknown region code."))
        return value


def _save(view, serializer, call=None):
    data = dict(serializer.validated_data)
    finish = data.pop("finish", True)
    expected = data.pop("version", None)
    try:
        return services.save_call(
            membership=view.request.membership,
            data=data,
            call=call,
            expected_version=expected,
            finish=finish,
            request=view.request,
        )
    except NotAllowed:
        raise PermissionDenied()
    except StaleEdit as exc:
        raise ApiValidationError({"version": [str(exc)]})
    except DjangoValidationError as exc:
        raise ApiValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )


class CallViewSet(AuditedReadMixin, viewsets.ModelViewSet):
    """Hotline calls of the caller's organisation (operators, case workers, admins);
    lists and reads are audited."""

    audit_target_type = "call"

    serializer_class = CallSerializer
    permission_classes = [HasMembership]
    required_permission = Permission.HANDLE_CALLS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Call.objects.none()
        return selectors.calls_visible_to(self.request.membership).order_by("-started_at", "-id")

    def get_object(self):
        return selectors.call_for(self.request.membership, self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = _save(self, serializer)

    def perform_update(self, serializer):
        serializer.instance = _save(self, serializer, call=serializer.instance)

    @extend_schema(request=None, responses={201: None})
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request, pk=None):
        """Open a case from a logged call (once); body: given_name, family_name, sex, case_type,
        contact_persons (a list of {name, relation, phone}: the people the caller speaks for)."""
        call = self.get_object()
        person_data = {k: request.data.get(k) for k in ("given_name", "family_name", "sex")
                       if request.data.get(k)}  # fmt: skip
        case_data = (
            {"case_type": request.data["case_type"]} if request.data.get("case_type") else {}
        )
        if case_data and case_data["case_type"] not in reference_codes("case_type"):
            raise ApiValidationError(
                {"case_type": [_("Unknown codes: %s") % case_data["case_type"]]}
            )
        contacts = request.data.get("contact_persons") or []
        if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
            raise ApiValidationError({"contact_persons": [_("Give a list of contact persons.")]})
        try:
            case = services.open_case_from_call(
                membership=request.membership,
                call=call,
                person_data=person_data or None,
                case_data=case_data,
                contact_persons=contacts,
                request=request,
            )
        except services.CallAlreadyConverted:
            return Response(
                {"detail": _("Another operator opened a case from this call first.")},
                status=status.HTTP_409_CONFLICT,
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.messages)
        return Response({"case": case.pk, "person": case.person_id}, status=status.HTTP_201_CREATED)
