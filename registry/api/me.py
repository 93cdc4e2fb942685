"""GET /api/v1/me/: who the API thinks you are, with your roles and the token you used."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.models import ApiToken, Membership

__all__ = ["MeApi"]


class _RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField()
    center = serializers.CharField(allow_null=True, help_text="Center code; null for a registry-wide role.")


class _TokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = _RoleSerializer(many=True)
    token = _TokenSerializer(allow_null=True, help_text="The token of this request; null for a session.")


class MeApi(APIView):
    OutputSerializer = MeSerializer

    @extend_schema(operation_id="me", responses={200: MeSerializer}, tags=["account"])
    def get(self, request):
        roles = [
            {"role": m.role, "role_label": m.get_role_display(), "center": m.center.code if m.center else None}
            for m in Membership.objects.filter(user=request.user).select_related("center").order_by("role", "pk")
        ]
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {"username": request.user.get_username(), "roles": roles, "token": token}
        return Response(self.OutputSerializer(data).data)
