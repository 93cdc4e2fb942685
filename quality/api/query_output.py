"""How a query reads in the API: the list's row, and the detail with its thread, status history and what the
reader may do with it now (quality.services.queries.query_actions, the same rules the services enforce)."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quality.models import Query, QueryMessage, QueryStatus
from quality.services.queries import query_actions
from registry.api.labels import LabelsMixin

__all__ = ["QualityQueryDetailSerializer", "QualityQuerySerializer", "query_detail_queryset", "query_list_queryset"]


class QualityQueryActionsSerializer(serializers.Serializer):
    can_answer = serializers.BooleanField()
    can_close = serializers.BooleanField()
    can_reopen = serializers.BooleanField()


class QualityQuerySerializer(LabelsMixin, serializers.ModelSerializer):
    case = serializers.CharField(source="case.registry_id", help_text="Registry ID of the case.")
    center = serializers.CharField(source="case.center.code")
    status = serializers.ChoiceField(choices=QueryStatus.choices)
    about = serializers.CharField(help_text="The record and field, in words.")
    record_id = serializers.IntegerField(source="record_pk", allow_null=True)
    finding = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="The finding's ID.")
    opened_by = serializers.CharField(source="opened_by.get_username")
    messages = serializers.IntegerField(source="n_messages", help_text="Messages in the thread.")
    awaits_center = serializers.BooleanField(help_text="True: the center owes an answer.")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Query
        fields = [
            "id",
            "case",
            "center",
            "subject",
            "status",
            "about",
            "record_model",
            "record_id",
            "field",
            "finding",
            "opened_by",
            "opened_at",
            "updated_at",
            "closed_at",
            "messages",
            "awaits_center",
            "actions",
        ]

    @extend_schema_field(QualityQueryActionsSerializer)
    def get_actions(self, query):
        return QualityQueryActionsSerializer(query_actions(self.context["request"].user, query)).data


class QualityQueryMessageSerializer(LabelsMixin, serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username")
    kind = serializers.ChoiceField(choices=QueryMessage.Kind.choices)

    class Meta:
        model = QueryMessage
        fields = ["id", "kind", "author", "text", "created_at"]


class QualityQueryHistorySerializer(LabelsMixin, serializers.Serializer):
    date = serializers.DateTimeField(source="history_date")
    status = serializers.ChoiceField(choices=QueryStatus.choices)
    user = serializers.CharField(source="history_user.get_username", allow_null=True, default=None)
    reason = serializers.CharField(source="history_change_reason", allow_null=True)


class QualityQueryDetailSerializer(QualityQuerySerializer):
    thread = QualityQueryMessageSerializer(many=True, source="messages.all", help_text="The messages, oldest first.")
    history = serializers.SerializerMethodField(help_text="Every status change, oldest first, with who and why.")

    class Meta(QualityQuerySerializer.Meta):
        fields = [*QualityQuerySerializer.Meta.fields, "thread", "history"]

    @extend_schema_field(QualityQueryHistorySerializer(many=True))
    def get_history(self, query):
        rows = query.history.select_related("history_user").order_by("history_date", "history_id")
        return QualityQueryHistorySerializer(rows, many=True, context=self.context).data


def query_list_queryset(queries):
    return queries.select_related("case__center", "opened_by").annotate(n_messages=Count("messages"))


def query_detail_queryset(queries):
    return query_list_queryset(queries).select_related("finding").prefetch_related("messages__author")
