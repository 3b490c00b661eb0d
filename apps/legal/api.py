"""Consultations, proceedings (with stages, charges, verdicts and sentences; and under
/proceedings/{id}/: documents, victims and witnesses with contact attempts, protection
requests, compensation and the timeline), hearings and deadlines in the REST API; scoped and audited like the pages, written through the
same services (LEGAL_WORK; another organisation's record is a 404)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.roles import Permission
from apps.api.audited import AuditedReadMixin
from apps.api.fields import choice_field as choice
from apps.api.permissions import HasMembership
from apps.api.writes import api_write
from apps.legal import selectors, services
from apps.legal.models import (
    AgeBand,
    Channel,
    Charge,
    ClientRole,
    CodeEdition,
    Compensation,
    CompensationEvent,
    Consultation,
    ConsultationOutcome,
    ContactAttempt,
    Currency,
    CustodyChange,
    CustodyStatus,
    Deadline,
    Decision,
    Defendant,
    DocumentKind,
    Hearing,
    HearingStatus,
    LegalArea,
    Participant,
    Proceeding,
    ProceedingKind,
    ProtectionMeasure,
    ProtectionRequest,
    ProtectionStatus,
    Sentence,
    Stage,
    StageDocument,
    StageType,
    TimelineEntry,
    Verdict,
    VerdictOutcome,
)

_write = api_write


# --- serializers -----------------------------------------------------------------------


class ConsultationSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", required=False, allow_null=True)
    channel = choice(Channel.choices)
    legal_area = choice(LegalArea.choices)
    outcome = choice(ConsultationOutcome.choices)
    age_band = choice(AgeBand.choices, required=False)
    given_by = serializers.IntegerField(source="given_by_id", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id", "given_on", "channel", "person", "sex", "age_band", "region",
            "legal_area", "question", "advice", "outcome", "given_by",
        ]  # fmt: skip
        read_only_fields = ["id", "given_by"]


class SentenceSerializer(serializers.ModelSerializer):
    fine_currency = choice(Currency.choices, required=False, allow_blank=True)

    class Meta:
        model = Sentence
        fields = ["prison_days", "suspended", "fine_amount", "fine_currency", "probation_days"]


class VerdictSerializer(serializers.ModelSerializer):
    outcome = choice(VerdictOutcome.choices)
    sentence = SentenceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Verdict
        fields = ["id", "stage", "outcome", "ground", "decided_on", "sentence"]


class ChargeSerializer(serializers.ModelSerializer):
    edition = serializers.CharField(source="article.edition", read_only=True)
    article = serializers.CharField(source="article.number", read_only=True)
    verdict = serializers.SerializerMethodField()

    class Meta:
        model = Charge
        fields = ["id", "edition", "article", "part", "paragraph", "charged_on", "verdict"]

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_verdict(self, charge):
        verdict = getattr(charge, "verdict", None) if hasattr(charge, "verdict") else None
        return VerdictSerializer(verdict).data if verdict else None


class CustodyChangeSerializer(serializers.ModelSerializer):
    custody_status = choice(CustodyStatus.choices, read_only=True)

    class Meta:
        model = CustodyChange
        fields = ["custody_status", "verified_on"]
        read_only_fields = fields


class DefendantSerializer(serializers.ModelSerializer):
    custody_status = choice(CustodyStatus.choices, required=False)
    charges = ChargeSerializer(many=True, read_only=True)
    custody_history = CustodyChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Defendant
        fields = [
            "id", "name", "public_official", "custody_status", "custody_verified_on", "charges",
            "custody_history",
        ]  # fmt: skip
        read_only_fields = ["id", "charges", "custody_history"]


class StageSerializer(serializers.ModelSerializer):
    stage_type = choice(StageType.choices)
    decision = choice(Decision.choices, required=False, allow_blank=True)
    challenges = serializers.IntegerField(source="challenges_id", required=False, allow_null=True)

    class Meta:
        model = Stage
        fields = [
            "id", "stage_type", "started_on", "ended_on", "deciding_body", "decision",
            "decided_on", "challenges", "summary", "verdict_unavailable_reason",
        ]  # fmt: skip
        read_only_fields = ["id"]


class ProceedingSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    kind = choice(ProceedingKind.choices)
    client_role = choice(ClientRole.choices)
    lawyer = serializers.IntegerField(source="lawyer_id", required=False, allow_null=True)
    stages = StageSerializer(many=True, read_only=True)
    defendants = DefendantSerializer(many=True, read_only=True)

    class Meta:
        model = Proceeding
        fields = [
            "id", "case", "kind", "client_role", "lawyer", "official_number", "opened_on",
            "closed_on", "child_victim", "stages", "defendants",
        ]  # fmt: skip
        read_only_fields = ["id", "closed_on", "stages", "defendants"]


class DecisionInputSerializer(serializers.Serializer):
    decision = choice(Decision.choices)
    decided_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True)
    deciding_body = serializers.CharField(max_length=200, required=False, allow_blank=True)
    verdict_unavailable_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True
    )


class HearingResultSerializer(serializers.Serializer):
    status = choice(HearingStatus.choices)
    result = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    next_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The hearing's version as you read it; if someone changed the status, "
        "result or next date since, the change is refused (400 on version).",
    )


class ChargeInputSerializer(serializers.Serializer):
    defendant = serializers.IntegerField()
    edition = choice(CodeEdition.choices)
    article = serializers.CharField(max_length=12, help_text="Article number, e.g. 166.")
    part = serializers.CharField(max_length=8, required=False, allow_blank=True)
    paragraph = serializers.CharField(max_length=8, required=False, allow_blank=True)
    charged_on = serializers.DateField(required=False, allow_null=True)


class VerdictInputSerializer(serializers.Serializer):
    charge = serializers.IntegerField()
    stage = serializers.IntegerField()
    outcome = choice(VerdictOutcome.choices)
    ground = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decided_on = serializers.DateField()
    sentence = SentenceSerializer(required=False)


class HearingSerializer(serializers.ModelSerializer):
    proceeding = serializers.IntegerField(source="proceeding_id")
    stage = serializers.IntegerField(source="stage_id", required=False, allow_null=True)
    status = choice(HearingStatus.choices, required=False)
    version = serializers.SerializerMethodField(
        help_text="Send it back with PATCH so that a colleague's change is not overwritten."
    )

    class Meta:
        model = Hearing
        fields = [
            "id", "proceeding", "stage", "starts_at", "court", "courtroom", "judge",
            "attendees", "status", "result", "next_on", "version",
        ]  # fmt: skip
        read_only_fields = ["id", "version"]

    def get_version(self, hearing) -> str:
        return services.hearing_outcome_tag(hearing)


class DeadlineSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    warning = serializers.CharField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id", "proceeding", "stage", "rule", "rule_name", "counted_from", "due_on",
            "met_on", "warning",
        ]  # fmt: skip
        read_only_fields = fields


class StageDocumentSerializer(serializers.ModelSerializer):
    """A document's description; its bytes come from /proceedings/{id}/documents/{id}/."""

    stage = serializers.IntegerField(source="stage_id", read_only=True)
    kind = choice(DocumentKind.choices, read_only=True)

    class Meta:
        model = StageDocument
        fields = ["id", "stage", "kind", "filename", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    kind = choice(DocumentKind.choices)
    file = serializers.FileField()


class ContactAttemptSerializer(serializers.ModelSerializer):
    hearing = serializers.IntegerField(source="hearing_id", required=False, allow_null=True)
    channel = choice(Channel.choices)

    class Meta:
        model = ContactAttempt
        fields = ["id", "hearing", "tried_on", "channel", "reached"]
        read_only_fields = ["id"]


class ParticipantSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", required=False, allow_null=True)
    role = choice(ClientRole.choices)
    contact_attempts = ContactAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id", "person", "name", "role", "takes_part", "stopped_on", "contact_attempts",
        ]  # fmt: skip
        read_only_fields = ["id", "takes_part", "stopped_on", "contact_attempts"]


class ProtectionRequestSerializer(serializers.ModelSerializer):
    measure = choice(ProtectionMeasure.choices)
    status = choice(ProtectionStatus.choices, read_only=True)

    class Meta:
        model = ProtectionRequest
        fields = ["id", "measure", "requested_on", "status", "decided_by", "decided_on"]
        read_only_fields = ["id", "status", "decided_by", "decided_on"]


class CompensationSerializer(serializers.ModelSerializer):
    event = choice(CompensationEvent.choices)
    currency = choice(Currency.choices)

    class Meta:
        model = Compensation
        fields = ["id", "event", "amount", "currency", "on"]
        read_only_fields = ["id"]


class ProtectionDecisionSerializer(serializers.Serializer):
    status = choice(
        [(c, label) for c, label in ProtectionStatus.choices if c != ProtectionStatus.REQUESTED]
    )
    decided_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decided_on = serializers.DateField()


class StopParticipationSerializer(serializers.Serializer):
    stopped_on = serializers.DateField()


class CustodyInputSerializer(serializers.Serializer):
    custody_status = choice(CustodyStatus.choices)
    verified_on = serializers.DateField()


class TimelineEntrySerializer(serializers.ModelSerializer):
    corrects = serializers.IntegerField(source="corrects_id", required=False, allow_null=True)
    author = serializers.IntegerField(source="author_id", read_only=True)

    class Meta:
        model = TimelineEntry
        fields = ["id", "happened_on", "text", "corrects", "author", "recorded_at"]
        read_only_fields = ["id", "author", "recorded_at"]


# --- viewsets --------------------------------------------------------------------------


class _Legal(AuditedReadMixin, viewsets.GenericViewSet):
    permission_classes = [HasMembership]
    required_permission = Permission.LEGAL_WORK

    def visible(self, membership):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return self.serializer_class.Meta.model.objects.none()
        return self.visible(self.request.membership).order_by("-id")


class ConsultationViewSet(
    _Legal, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The consultation log (the member's own; all of the organisation's for its admin)."""

    serializer_class = ConsultationSerializer

    def visible(self, membership):
        return selectors.consultations_visible_to(membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        person_id = data.pop("person_id", None)
        person = None
        if person_id is not None:
            from apps.people.selectors import people_visible_to

            person = people_visible_to(self.request.membership).filter(pk=person_id).first()
            if person is None:
                raise ApiValidationError(
                    {"person": [_("No person of your organisation has this id.")]}
                )
        serializer.instance = _write(
            lambda: services.record_consultation(
                membership=self.request.membership,
                data={**data, "person": person},
                request=self.request,
            )
        )


class ProceedingViewSet(
    _Legal, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Proceedings with their stages, defendants, charges, verdicts and sentences nested.
    POST /proceedings/{id}/stages/, /defendants/, /charges/ and /verdicts/ add to one;
    POST /proceedings/{id}/stages/{stage_id}/decision/ records a stage's decision.
    GET/POST /proceedings/{id}/participants/, /protection/, /compensation/, /timeline/
    list and add the proceeding's other records; GET /documents/ lists its documents;
    POST .../participants/{id}/contacts/ and /stop/, .../protection/{id}/decision/ and
    .../defendants/{id}/custody/ record what happened to them."""

    serializer_class = ProceedingSerializer

    def visible(self, membership):
        return selectors.proceedings_visible_to(membership).prefetch_related(
            "stages",
            "defendants__charges__article",
            "defendants__charges__verdict__sentence",
            "defendants__custody_history",
        )

    def perform_create(self, serializer):
        from apps.cases.selectors import case_for

        data = dict(serializer.validated_data)
        case = case_for(self.request.membership, data.pop("case_id"))
        lawyer_id = data.pop("lawyer_id", None)
        if lawyer_id is not None:
            data["lawyer"] = (
                selectors.lawyers_of(self.request.membership.organization_id)
                .filter(pk=lawyer_id)
                .first()
            )
            if data["lawyer"] is None:
                raise ApiValidationError({"lawyer": [_("Choose a lawyer of your organisation.")]})
        serializer.instance = _write(
            lambda: services.open_proceeding(
                membership=self.request.membership, case=case, data=data, request=self.request
            )
        )

    def _created(self, instance, serializer_class):
        return Response(serializer_class(instance).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StageSerializer, responses={201: StageSerializer})
    @action(detail=True, methods=["post"])
    def stages(self, request, pk=None):
        proceeding = self.get_object()
        s = StageSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        challenges_id = data.pop("challenges_id", None)
        if challenges_id is not None:
            data["challenges"] = proceeding.stages.filter(pk=challenges_id).first()
            if data["challenges"] is None:
                raise ApiValidationError({"challenges": [_("Choose a stage of this proceeding.")]})
        stage = _write(
            lambda: services.add_stage(
                membership=request.membership, proceeding=proceeding, data=data, request=request
            )
        )
        return self._created(stage, StageSerializer)

    @extend_schema(request=DecisionInputSerializer, responses={200: StageSerializer})
    @action(detail=True, methods=["post"], url_path=r"stages/(?P<stage_id>\d+)/decision")
    def decision(self, request, pk=None, stage_id=None):
        """Record the decision of a stage (a conviction needs the verdict attached or a
        reason it is unavailable); the deadline to challenge it is computed."""
        proceeding = self.get_object()
        stage = proceeding.stages.filter(pk=int(stage_id)).first()
        if stage is None:
            raise NotFound()
        s = DecisionInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        stage = _write(
            lambda: services.record_decision(
                membership=request.membership, stage=stage, data=s.validated_data, request=request
            )
        )
        return Response(StageSerializer(stage).data)

    @extend_schema(request=DefendantSerializer, responses={201: DefendantSerializer})
    @action(detail=True, methods=["post"])
    def defendants(self, request, pk=None):
        proceeding = self.get_object()
        s = DefendantSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        defendant = _write(
            lambda: services.add_defendant(
                membership=request.membership,
                proceeding=proceeding,
                data=s.validated_data,
                request=request,
            )
        )
        return self._created(defendant, DefendantSerializer)

    @extend_schema(request=ChargeInputSerializer, responses={201: ChargeSerializer})
    @action(detail=True, methods=["post"])
    def charges(self, request, pk=None):
        proceeding = self.get_object()
        s = ChargeInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        defendant = proceeding.defendants.filter(pk=d["defendant"]).first()
        if defendant is None:
            raise ApiValidationError({"defendant": [_("Choose a defendant of this proceeding.")]})
        charge = _write(
            lambda: services.add_charge(
                membership=request.membership,
                defendant=defendant,
                article=services.find_article(edition=d["edition"], number=d["article"]),
                part=d.get("part", ""),
                paragraph=d.get("paragraph", ""),
                charged_on=d.get("charged_on"),
                request=request,
            )
        )
        return self._created(charge, ChargeSerializer)

    @extend_schema(request=VerdictInputSerializer, responses={201: VerdictSerializer})
    @action(detail=True, methods=["post"])
    def verdicts(self, request, pk=None):
        proceeding = self.get_object()
        s = VerdictInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        charge = Charge.objects.filter(defendant__proceeding=proceeding, pk=d["charge"]).first()
        stage = proceeding.stages.filter(pk=d["stage"]).first()
        if charge is None or stage is None:
            raise ApiValidationError(
                {"charge" if charge is None else "stage": [_("Not a record of this proceeding.")]}
            )
        verdict = _write(
            lambda: services.record_verdict(
                membership=request.membership,
                charge=charge,
                stage=stage,
                outcome=d["outcome"],
                decided_on=d["decided_on"],
                ground=d.get("ground", ""),
                sentence=d.get("sentence"),
                request=request,
            )
        )
        return self._created(verdict, VerdictSerializer)

    # --- the proceeding's records under /proceedings/{id}/ (GET lists, POST adds) ---

    def _listed(self, rows, serializer_class):
        rows = list(rows)
        data = serializer_class(rows, many=True).data
        services.record_look(membership=self.request.membership, records=rows, request=self.request)
        return Response(data)

    def _input(self, serializer_class):
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    @extend_schema(methods=["GET"], request=None, responses=StageDocumentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def documents(self, request, pk=None):
        """The documents of every stage (descriptions; the bytes one by one)."""
        proceeding = self.get_object()
        rows = StageDocument.objects.filter(stage__proceeding=proceeding).order_by("id")
        return self._listed(rows.defer("content"), StageDocumentSerializer)

    @extend_schema(
        request=None,
        responses={(200, "application/octet-stream"): {"type": "string", "format": "binary"}},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)")
    def document(self, request, pk=None, document_id=None):
        """The bytes of one document (the read is audited)."""
        proceeding = self.get_object()
        document = StageDocument.objects.filter(
            stage__proceeding=proceeding, pk=int(document_id)
        ).first()
        if document is None:
            raise NotFound()
        data = services.read_document(membership=request.membership, document=document,
                                      request=request)  # fmt: skip
        response = HttpResponse(data, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: StageDocumentSerializer})  # fmt: skip
    @action(
        detail=True,
        methods=["post"],
        url_path=r"stages/(?P<stage_id>\d+)/documents",
        parser_classes=[MultiPartParser, FormParser],
    )
    def stage_documents(self, request, pk=None, stage_id=None):
        """Attach a document (multipart: kind, file) to a stage; kept encrypted."""
        proceeding = self.get_object()
        stage = proceeding.stages.filter(pk=int(stage_id)).first()
        if stage is None:
            raise NotFound()
        d = self._input(DocumentUploadSerializer)
        document = _write(
            lambda: services.attach_document(
                membership=request.membership, stage=stage, uploaded_file=d["file"],
                kind=d["kind"], request=request,
            )
        )  # fmt: skip
        return self._created(document, StageDocumentSerializer)

    @extend_schema(methods=["GET"], request=None, responses=ParticipantSerializer(many=True))
    @extend_schema(methods=["POST"], request=ParticipantSerializer,
                   responses={201: ParticipantSerializer})  # fmt: skip
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, FormParser])
    def participants(self, request, pk=None):
        """Victims and witnesses with their contact attempts; POST adds one (a person of
        the organisation by id, or a name kept encrypted)."""
        proceeding = self.get_object()
        if request.method == "GET":
            rows = proceeding.participants.prefetch_related("contact_attempts")
            return self._listed(rows, ParticipantSerializer)
        d = self._input(ParticipantSerializer)
        person_id = d.pop("person_id", None)
        d["person"] = None
        if person_id is not None:
            from apps.people.selectors import people_visible_to

            d["person"] = people_visible_to(request.membership).filter(pk=person_id).first()
            if d["person"] is None:
                raise ApiValidationError(
                    {"person": [_("No person of your organisation has this id.")]}
                )
        participant = _write(
            lambda: services.add_participant(
                membership=request.membership, proceeding=proceeding, data=d, request=request
            )
        )
        return self._created(participant, ParticipantSerializer)

    @extend_schema(request=ContactAttemptSerializer, responses={201: ContactAttemptSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"participants/(?P<participant_id>\d+)/contacts",
        parser_classes=[JSONParser, FormParser],
    )
    def contacts(self, request, pk=None, participant_id=None):
        """Record an attempt to reach a victim or witness."""
        proceeding = self.get_object()
        participant = proceeding.participants.filter(pk=int(participant_id)).first()
        if participant is None:
            raise NotFound()
        d = self._input(ContactAttemptSerializer)
        hearing_id = d.pop("hearing_id", None)
        d["hearing"] = None
        if hearing_id is not None:
            d["hearing"] = proceeding.hearings.filter(pk=hearing_id).first()
            if d["hearing"] is None:
                raise ApiValidationError({"hearing": [_("Choose a hearing of this proceeding.")]})
        attempt = _write(
            lambda: services.record_contact_attempt(
                membership=request.membership, participant=participant, data=d, request=request
            )
        )
        return self._created(attempt, ContactAttemptSerializer)

    @extend_schema(request=StopParticipationSerializer, responses={200: ParticipantSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"participants/(?P<participant_id>\d+)/stop",
        parser_classes=[JSONParser, FormParser],
    )
    def stop_participation(self, request, pk=None, participant_id=None):
        """The victim or witness no longer takes part, from a day."""
        proceeding = self.get_object()
        participant = proceeding.participants.filter(pk=int(participant_id)).first()
        if participant is None:
            raise NotFound()
        d = self._input(StopParticipationSerializer)
        participant = _write(
            lambda: services.stop_participation(
                membership=request.membership, participant=participant,
                stopped_on=d["stopped_on"], request=request,
            )
        )  # fmt: skip
        return Response(ParticipantSerializer(participant).data)

    @extend_schema(request=CustodyInputSerializer, responses={200: DefendantSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"defendants/(?P<defendant_id>\d+)/custody",
        parser_classes=[JSONParser, FormParser],
    )
    def custody(self, request, pk=None, defendant_id=None):
        """Record a defendant's custody status as verified on a day (kept as history)."""
        proceeding = self.get_object()
        defendant = proceeding.defendants.filter(pk=int(defendant_id)).first()
        if defendant is None:
            raise NotFound()
        d = self._input(CustodyInputSerializer)
        defendant = _write(
            lambda: services.update_custody(
                membership=request.membership, defendant=defendant,
                custody_status=d["custody_status"], verified_on=d["verified_on"],
                request=request,
            )
        )  # fmt: skip
        return Response(DefendantSerializer(defendant).data)

    @extend_schema(request=ProtectionDecisionSerializer,
                   responses={200: ProtectionRequestSerializer})  # fmt: skip
    @action(
        detail=True,
        methods=["post"],
        url_path=r"protection/(?P<item_id>\d+)/decision",
        parser_classes=[JSONParser, FormParser],
    )
    def protection_decision(self, request, pk=None, item_id=None):
        """Record whether a protective measure was granted or refused, by whom and when;
        once only (a request decided already answers 400 on version)."""
        proceeding = self.get_object()
        item = proceeding.protection_requests.filter(pk=int(item_id)).first()
        if item is None:
            raise NotFound()
        d = self._input(ProtectionDecisionSerializer)
        item = _write(
            lambda: services.decide_protection(
                membership=request.membership, item=item, status=d["status"],
                decided_by=d.get("decided_by", ""), decided_on=d["decided_on"], request=request,
            )
        )  # fmt: skip
        return Response(ProtectionRequestSerializer(item).data)

    @extend_schema(methods=["GET"], request=None, responses=ProtectionRequestSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProtectionRequestSerializer,
                   responses={201: ProtectionRequestSerializer})  # fmt: skip
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, FormParser])
    def protection(self, request, pk=None):
        """Requests for protective measures and their decisions; POST makes a request."""
        proceeding = self.get_object()
        if request.method == "GET":
            return self._listed(proceeding.protection_requests.all(), ProtectionRequestSerializer)
        d = self._input(ProtectionRequestSerializer)
        item = _write(
            lambda: services.request_protection(
                membership=request.membership, proceeding=proceeding, measure=d["measure"],
                requested_on=d["requested_on"], request=request,
            )
        )  # fmt: skip
        return self._created(item, ProtectionRequestSerializer)

    @extend_schema(methods=["GET"], request=None, responses=CompensationSerializer(many=True))
    @extend_schema(methods=["POST"], request=CompensationSerializer,
                   responses={201: CompensationSerializer})  # fmt: skip
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, FormParser])
    def compensation(self, request, pk=None):
        """Compensation claimed, awarded, enforced and paid; POST records one event."""
        proceeding = self.get_object()
        if request.method == "GET":
            return self._listed(proceeding.compensations.all(), CompensationSerializer)
        d = self._input(CompensationSerializer)
        item = _write(
            lambda: services.record_compensation(
                membership=request.membership, proceeding=proceeding, data=d, request=request
            )
        )
        return self._created(item, CompensationSerializer)

    @extend_schema(methods=["GET"], request=None, responses=TimelineEntrySerializer(many=True))
    @extend_schema(methods=["POST"], request=TimelineEntrySerializer,
                   responses={201: TimelineEntrySerializer})  # fmt: skip
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, FormParser])
    def timeline(self, request, pk=None):
        """The append-only timeline; POST adds an entry (a correction names the entry it
        corrects, which stays)."""
        proceeding = self.get_object()
        if request.method == "GET":
            return self._listed(proceeding.timeline.all(), TimelineEntrySerializer)
        d = self._input(TimelineEntrySerializer)
        corrects_id = d.pop("corrects_id", None)
        corrects = None
        if corrects_id is not None:
            corrects = proceeding.timeline.filter(pk=corrects_id).first()
            if corrects is None:
                raise ApiValidationError({"corrects": [_("Choose an entry of this proceeding.")]})
        entry = _write(
            lambda: services.add_timeline_entry(
                membership=request.membership, proceeding=proceeding,
                happened_on=d["happened_on"], text=d["text"], corrects=corrects,
                request=request,
            )
        )  # fmt: skip
        return self._created(entry, TimelineEntrySerializer)


class HearingViewSet(
    _Legal, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Hearings of the member's proceedings. ?proceeding= filters; PATCH records the
    status, result and next date (with the `version` read, refused if changed since)."""

    serializer_class = HearingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=HearingResultSerializer, responses=HearingSerializer)
    def partial_update(self, request, *args, **kwargs):
        hearing = self.get_object()
        s = HearingResultSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        hearing = _write(
            lambda: services.record_hearing_result(
                membership=request.membership,
                hearing=hearing,
                status=d["status"],
                result=d.get("result", ""),
                next_on=d.get("next_on"),
                seen=d.get("version") or None,
                request=request,
            )
        )
        return Response(HearingSerializer(hearing).data)

    def visible(self, membership):
        qs = selectors.hearings_visible_to(membership)
        return _by_proceeding(qs, self.request)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        proceeding = selectors.proceeding_for(self.request.membership, data.pop("proceeding_id"))
        stage_id = data.pop("stage_id", None)
        if stage_id is not None:
            data["stage"] = proceeding.stages.filter(pk=stage_id).first()
            if data["stage"] is None:
                raise ApiValidationError({"stage": [_("Choose a stage of this proceeding.")]})
        serializer.instance = _write(
            lambda: services.schedule_hearing(
                membership=self.request.membership,
                proceeding=proceeding,
                data=data,
                request=self.request,
            )
        )


class DeadlineViewSet(_Legal, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Procedural deadlines (computed by the rules; read only). ?proceeding= filters,
    ?open=1 keeps the unmet ones."""

    serializer_class = DeadlineSerializer

    def visible(self, membership):
        qs = selectors.deadlines_visible_to(membership).select_related("rule")
        if self.request.query_params.get("open"):
            qs = qs.filter(met_on__isnull=True)
        return _by_proceeding(qs, self.request)


def _by_proceeding(qs, request):
    value = request.query_params.get("proceeding")
    if value:
        if not value.isdigit():
            raise ApiValidationError({"proceeding": [_("Give the number of a proceeding.")]})
        qs = qs.filter(proceeding_id=int(value))
    return qs
