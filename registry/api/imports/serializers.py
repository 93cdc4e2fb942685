"""What the import API reads and writes: an upload (file and center code) and a job with its counts and problems."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers
from rest_framework.reverse import reverse

from registry.access import centers_for
from registry.import_forms import NO_FILE, TOO_LARGE
from registry.models import Center, ImportJob
from registry.transfer.files import MAX_BYTES

__all__ = ["ImportJobListSerializer", "ImportJobSerializer", "ImportUploadSerializer"]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        error_messages={
            "required": gettext_lazy(NO_FILE),
            "empty": gettext_lazy(NO_FILE),
            "invalid": gettext_lazy(NO_FILE),
        },
        help_text="The workbook template (.xlsx), or its CSV files (one, or several in a .zip).",
    )
    center = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Center.objects.none(),
        help_text="Code of the center whose cases the rows are imported into (one you enter data for).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Any other center is refused like one that does not exist.
            self.fields["center"].queryset = centers_for(request.user, writable=True)

    def validate_file(self, upload):
        if upload.size > MAX_BYTES:
            raise serializers.ValidationError(gettext(TOO_LARGE).format(mb=MAX_BYTES // 2**20))
        return upload


class ImportProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField(help_text="The sheet (or CSV file) name; empty for a problem of the whole file.")
    row = serializers.IntegerField(allow_null=True, help_text="The row number as a spreadsheet shows it.")
    column = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_blank=True, allow_null=True)
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    center = serializers.SlugRelatedField(slug_field="code", read_only=True)
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    committed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    n_problems = serializers.IntegerField(read_only=True)
    counts = serializers.JSONField(
        read_only=True,
        help_text='{"cases": {"new", "changed", "unchanged"}, "sheets": {sheet: {"new", "changed", "unchanged"}}}: '
        "as checked, then as written.",
    )
    problems = ImportProblemSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "center",
            "file_name",
            "sha256",
            "size",
            "status",
            "status_label",
            "n_rows",
            "n_problems",
            "counts",
            "problems",
            "uploaded_by",
            "uploaded_at",
            "committed_by",
            "committed_at",
        ]
        read_only_fields = fields

    def get_url(self, job: ImportJob) -> str:
        return reverse("registry_api:import-detail", args=[job.pk], request=self.context.get("request"))


class ImportJobListSerializer(ImportJobSerializer):
    """A job in a list: its problems are counted, not listed (read the job for them)."""

    class Meta(ImportJobSerializer.Meta):
        fields = [f for f in ImportJobSerializer.Meta.fields if f != "problems"]
        read_only_fields = fields
