from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                for message in item.messages:
                    if target or field == "__all__":
                        form.add_error(target, message)
                    else:
                        form.add_error(None, _("{field}: {message}").format(field=_field_label(field), message=message))
    else:
        for message in error.messages:
            form.add_error(None, message)


def _field_label(name: str) -> str:
    """A field the form does not show, named in words (no snake_case code on the page)."""
    return name.replace("_", " ").capitalize()
