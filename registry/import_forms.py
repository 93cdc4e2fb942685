from django import forms
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from registry.forms import offer_writable_centers
from registry.transfer.files import MAX_BYTES

TOO_LARGE = gettext_noop(
    "The file is larger than {mb} MB, the most the registry takes at once. Split it into several files."
)
NO_FILE = gettext_noop("Choose the file to check: an Excel workbook (.xlsx), a CSV file or a .zip of CSV files.")


class ImportUploadForm(forms.Form):
    center = forms.ModelChoiceField(
        queryset=None, label=_("Center"), help_text=_("The rows are imported into this center's cases.")
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": gettext_lazy(NO_FILE), "empty": gettext_lazy(NO_FILE)},
        help_text=_("The workbook template (.xlsx), or its CSV files (one, or several in a .zip)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_writable_centers(self.fields["center"], user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext(TOO_LARGE).format(mb=MAX_BYTES // 2**20))
        return upload
