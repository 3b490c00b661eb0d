"""REST API of the duplicate finder: the entry-time check (EDIT_PEOPLE), the review
queue with decisions, merges and undo (MERGE_PEOPLE), and "known to N other
organisations" (VIEW_PEOPLE, after a referral consent), through the same selectors and
services as the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import Permission
from apps.api.permissions import HasMembership
from apps.core import audit
from apps.core.models import AuditEntry
from apps.linkage import selectors, services
from apps.linkage.network import known_elsewhere_for
from apps.linkage.views import typed_person
from apps.people.selectors import person_for


class CheckSerializer(serializers.Serializer):
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    patronymic = serializers.CharField(required=False, allow_blank=True, max_length=200)
    birth_date = serializers.CharField(required=False, allow_blank=True, max_length=20)
    phones = serializers.CharField(required=False, allow_blank=True, max_length=300)
    document_numbers = serializers.CharField(required=False, allow_blank=True, max_length=300)
    exclude = serializers.IntegerField(required=False, min_value=1)


class CandidateSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    code = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class PairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person_l = serializers.IntegerField()
    person_r = serializers.IntegerField()
    agreeing = serializers.ListField(child=serializers.CharField())


class PairDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["not_same", "keep_left", "keep_right"])


class DuplicateCheckView(APIView):
    """POST the person being entered; answers the possible existing people with reasons."""

    permission_classes = [HasMembership]
    required_permission = Permission.EDIT_PEOPLE

    @extend_schema(request=CheckSerializer, responses=CandidateSerializer(many=True))
    def post(self, request):
        form = CheckSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        m = request.membership
        candidates = selectors.possible_duplicates(
            m, typed_person(form.validated_data), exclude_id=form.validated_data.get("exclude")
        )
        if candidates:
            audit.shown(
                m,
                [c.person for c in candidates],
                target_type="person",
                action=AuditEntry.Action.SEARCH,
                detail={"by": "duplicate_check", "results": len(candidates)},
                request=request,
            )
        return Response(
            [
                {"person": c.person.pk, "code": c.person.code, "reasons": c.reasons}
                for c in candidates
            ]
        )


class PairListView(APIView):
    """Pairs to review, without their probability (the review is blind to it)."""

    permission_classes = [HasMembership]
    required_permission = Permission.MERGE_PEOPLE

    @extend_schema(responses=PairSerializer(many=True))
    def get(self, request):
        pairs = list(selectors.pairs_to_review(request.membership)[:200])
        return Response(
            [
                {
                    "id": p.pk,
                    "person_l": p.person_l_id,
                    "person_r": p.person_r_id,
                    "agreeing": p.agreeing,
                }
                for p in pairs
            ]
        )


class PairDecisionView(APIView):
    """POST {"decision": "not_same" | "keep_left" | "keep_right"}."""

    permission_classes = [HasMembership]
    required_permission = Permission.MERGE_PEOPLE

    @extend_schema(request=PairDecisionSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, pair_id):
        m = request.membership
        pair = selectors.pair_for(m, pair_id)
        decision = request.data.get("decision")
        try:
            if decision == "not_same":
                services.decide_not_same(m, pair, request=request)
                return Response({"status": pair.status})
            if decision in ("keep_left", "keep_right"):
                survivor, merged = pair.person_l, pair.person_r
                if decision == "keep_right":
                    survivor, merged = merged, survivor
                merge = services.merge_people(
                    m, survivor=survivor, merged=merged, pair=pair, request=request
                )
                return Response(
                    {"status": "merged", "merge": merge.pk, "probability": pair.probability},
                    status=status.HTTP_201_CREATED,
                )
        except services.MergeRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"decision": ["not_same, keep_left or keep_right"]}, status=400)


class MergeUndoView(APIView):
    permission_classes = [HasMembership]
    required_permission = Permission.MERGE_PEOPLE

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "MergeUndone",
            {"merge": serializers.IntegerField(), "undone": serializers.BooleanField()},
        ),
    )
    def post(self, request, merge_id):
        merge = selectors.merge_for(request.membership, merge_id)
        try:
            services.undo_merge(request.membership, merge, request=request)
        except services.MergeRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"merge": merge.pk, "undone": True})


class KnownElsewhereView(APIView):
    """GET how many other organisations may hold a person of the caller's organisation:
    the case page's line, by the same rule (apps.linkage.network.known_elsewhere_for),
    audited the same way. 404 when nothing may be said: another organisation's person,
    no referral consent in force, or no linkage run yet. Never which organisations."""

    permission_classes = [HasMembership]
    required_permission = Permission.VIEW_PEOPLE

    @extend_schema(
        responses=inline_serializer(
            "KnownElsewhere",
            {
                "person": serializers.IntegerField(),
                "known_to_other_organisations": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request, person_id):
        person = person_for(request.membership, person_id)
        n = known_elsewhere_for(request.membership, person)
        if n is None:
            raise NotFound()
        audit.shown(
            request.membership,
            [person],
            target_type="person",
            request=request,
            detail={"known_elsewhere": True},
        )
        return Response({"person": person.pk, "known_to_other_organisations": n})
