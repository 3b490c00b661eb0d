from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.permissions import HasMembership


class CurrentMembershipView(APIView):
    """Whom the caller acts as: the organisation and role of the session's chosen
    membership, or of the token's (fixed when the token was made)."""

    permission_classes = [HasMembership]

    @extend_schema(
        responses=inline_serializer(
            "CurrentMembership",
            {
                "email": serializers.EmailField(),
                "organization": serializers.CharField(),
                "role": serializers.CharField(),
                "token_expires": serializers.DateTimeField(allow_null=True),
            },
        )
    )
    def get(self, request):
        m = request.membership
        token = request.auth if hasattr(request.auth, "expires_at") else None
        return Response(
            {
                "email": m.user.email,
                "organization": m.organization.slug,
                "role": m.role,
                "token_expires": token.expires_at if token else None,
            }
        )
