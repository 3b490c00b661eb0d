from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.permissions import HasMembership
from apps.core import audit
from apps.core.models import AuditEntry
from apps.monitoring import alerts, risk, selectors, services
from apps.monitoring.models import (
    AgencyContact,
    AgencyReport,
    JobAd,
    JobAdStatus,
    LicenceStatusChange,
    RecruitmentAgency,
)
from apps.people.services import NotAllowed


class CanUseAgencyRegister(HasMembership):
    """Reading and adding reports need handle_calls or edit_agencies; writing entries needs
    edit_agencies (and, for a change, being the organisation that entered it)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):  # the view sets no required_permission
            return False
        m = request.membership
        if request.method in SAFE_METHODS or getattr(view, "action", None) in (
            "add_report",
            "add_link",
        ):
            # Whoever reads the register may add a report or comment to an entry, and
            # link it to a case of their organisation (that needs view_cases as well).
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
        fields = ["id", "kind", "body", "occurred_on", "organization", "created_at"]
        read_only_fields = ["id", "organization", "created_at"]


class AgencyContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyContact
        fields = ["id", "kind", "value", "official"]
        read_only_fields = ["id"]


class AgencyLinkSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="A case of the caller's organisation.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _link_case(view, request, pk):
    """Link an agency to a case of the caller's organisation (view_cases)."""
    from apps.cases.selectors import cases_visible_to

    agency = selectors.agency_for(request.membership, pk)
    if not request.membership.can(Permission.VIEW_CASES):
        raise PermissionDenied()
    body = AgencyLinkSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    case = cases_visible_to(request.membership).filter(pk=body.validated_data["case"]).first()
    if case is None:
        raise ApiValidationError({"case": [_("No such case in your organisation.")]})
    try:
        services.link_agency_to_case(
            membership=request.membership, agency=agency, case=case,
            note=body.validated_data.get("note", ""), request=request,
        )  # fmt: skip
    except NotAllowed:
        raise PermissionDenied()
    except DjangoValidationError as exc:
        raise ApiValidationError(exc.message_dict)
    return Response(view.get_serializer(agency).data, status=201)


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
            "contacts",
            "linked_cases",
        ]
        read_only_fields = [
            "id",
            "updated_at",
            "entered_by",
            "status_history",
            "reports",
            "contacts",
            "linked_cases",
        ]

    entered_by = serializers.CharField(
        source="created_by_organization.name", default="", read_only=True
    )
    status_history = LicenceStatusChangeSerializer(
        source="status_changes", many=True, read_only=True
    )
    reports = AgencyReportSerializer(many=True, read_only=True)
    contacts = AgencyContactSerializer(many=True, read_only=True)
    linked_cases = serializers.SerializerMethodField(
        help_text="Ids of the caller's own organisation's cases linked to the agency (empty "
        "for a role that may not open cases)."
    )

    def get_linked_cases(self, agency) -> list[int]:
        request = self.context.get("request")
        membership = getattr(request, "membership", None)
        return list(selectors.agency_links(membership, agency).values_list("case_id", flat=True))


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
                occurred_on=incoming.validated_data.get("occurred_on"),
                request=request,
            )
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)
        return Response(AgencyReportSerializer(report).data, status=201)

    @extend_schema(request=AgencyContactSerializer, responses={201: AgencyContactSerializer})
    @action(detail=True, methods=["post"], url_path="contacts")
    def add_contact(self, request, pk=None):
        """Add an address, phone, website or social account (the entering organisation
        only; official contacts are shown on the public check)."""
        agency = selectors.agency_for(request.membership, pk)
        incoming = AgencyContactSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            contact = services.add_agency_contact(
                membership=request.membership, agency=agency, request=request,
                **incoming.validated_data,
            )  # fmt: skip
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)
        return Response(AgencyContactSerializer(contact).data, status=201)

    @extend_schema(request=AgencyLinkSerializer, responses={201: AgencySerializer})
    @action(detail=True, methods=["post"], url_path="links")
    def add_link(self, request, pk=None):
        """Link the agency to a case of the caller's organisation (view_cases); only that
        organisation sees the link (`linked_cases`)."""
        return _link_case(self, request, pk)


class AlertSerializer(serializers.Serializer):
    what = serializers.CharField()
    where = serializers.CharField()
    record_id = serializers.IntegerField()


class JobAdSerializer(serializers.ModelSerializer):
    phones = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    payment_details = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=list(risk.RED_FLAGS)),
        required=False,
        help_text="Codes of the ticked red flags; unlicensed_agency is added when the "
        "linked agency's licence is not valid.",
    )
    agency = serializers.IntegerField(source="agency_id", required=False, allow_null=True)
    alerts = serializers.SerializerMethodField()
    known_elsewhere = serializers.SerializerMethodField()

    class Meta:
        model = JobAd
        fields = [
            "id",
            "source_type",
            "source_name",
            "captured_on",
            "text",
            "promised_job",
            "country",
            "pay",
            "conditions",
            "phones",
            "payment_details",
            "agency",
            "red_flags",
            "risk_score",
            "risk_band",
            "status",
            "case",
            "archive_sha256",
            "archive_size",
            "created_at",
            "alerts",
            "known_elsewhere",
        ]
        read_only_fields = [
            "id",
            "risk_score",
            "risk_band",
            "status",
            "case",
            "archive_sha256",
            "archive_size",
            "created_at",
        ]

    def _alerts(self, job_ad):
        cache = self.context.setdefault("_alerts", {})
        if job_ad.pk not in cache:
            cache[job_ad.pk] = alerts.alerts_for_job_ad(self.context["request"].membership, job_ad)
        return cache[job_ad.pk]

    @extend_schema_field(AlertSerializer(many=True))
    def get_alerts(self, job_ad):
        """Where the ad's agency, phones or payment details appear in the organisation."""
        return [
            {"what": a.what, "where": a.where, "record_id": a.record_id}
            for a in self._alerts(job_ad).inside
        ]

    def get_known_elsewhere(self, job_ad) -> bool:
        """True when another organisation has the same phone, payment detail or agency:
        contact the monitor network (no detail is given)."""
        return self._alerts(job_ad).known_elsewhere


class JobAdStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobAdStatus.choices)
    case = serializers.IntegerField(required=False, allow_null=True)


class JobAdArchiveSerializer(serializers.Serializer):
    archive = serializers.FileField()


class JobAdViewSet(viewsets.ModelViewSet):
    """Job advertisements of the caller's organisation (edit_agencies). Another
    organisation's ad answers 404. The red flags give the risk score and band; the
    archived copy is uploaded to /archive/ and its SHA-256 computed by the server."""

    serializer_class = JobAdSerializer
    permission_classes = [HasMembership]
    required_permission = Permission.EDIT_AGENCIES
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return JobAd.objects.none()
        p = self.request.query_params
        band = p.get("risk_band", "")
        status = p.get("status", "")
        return selectors.job_ads_for(
            self.request.membership,
            band=band if band in risk.RiskBand.values else "",
            status=status if status in JobAdStatus.values else "",
        )

    def get_object(self):
        return selectors.job_ad_for(self.request.membership, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = (
            response.data.get("results", response.data)
            if isinstance(response.data, dict)
            else response.data
        )
        audit.shown(request.membership, [r["id"] for r in rows], target_type="jobad",
                    request=request)  # fmt: skip
        return response

    def retrieve(self, request, *args, **kwargs):
        job_ad = self.get_object()
        audit.by_member(AuditEntry.Action.VIEW, request.membership, job_ad, request)
        return Response(self.get_serializer(job_ad).data)

    def _save(self, serializer, job_ad=None):
        data = dict(serializer.validated_data)
        if "agency_id" in data:
            data["agency"] = data.pop("agency_id")
        try:
            serializer.instance = services.save_job_ad(
                membership=self.request.membership, data=data, job_ad=job_ad,
                request=self.request,
            )  # fmt: skip
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    @extend_schema(request=JobAdStatusSerializer, responses={200: JobAdSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Checked, reported to the authorities, taken down, or linked to a case."""
        from apps.cases.selectors import cases_visible_to

        job_ad = self.get_object()
        body = JobAdStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = None
        if body.validated_data.get("case"):
            case = (
                cases_visible_to(request.membership).filter(pk=body.validated_data["case"]).first()
            )
            if case is None:
                raise ApiValidationError({"case": [_("No such case in your organisation.")]})
        try:
            services.change_job_ad_status(
                membership=request.membership, job_ad=job_ad,
                status=body.validated_data["status"], case=case, request=request,
            )  # fmt: skip
        except NotAllowed:
            raise PermissionDenied()
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)
        return Response(self.get_serializer(job_ad).data)

    @extend_schema(request={"multipart/form-data": JobAdArchiveSerializer},
                   responses={200: JobAdSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="archive",
            parser_classes=[MultiPartParser])  # fmt: skip
    def upload_archive(self, request, pk=None):
        """Attach the archived copy (at most 10 MB); stored encrypted, hashed here."""
        job_ad = self.get_object()
        body = JobAdArchiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            job_ad = services.save_job_ad(
                membership=request.membership, data={}, job_ad=job_ad,
                archive=body.validated_data["archive"], request=request,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict)
        return Response(self.get_serializer(job_ad).data)
