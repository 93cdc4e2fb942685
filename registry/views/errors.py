from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                for message in item.messages:
                    label = "" if target or field == "__all__" else f"{field.replace('_', ' ')}: "
                    form.add_error(target, label + message)
    else:
        for message in error.messages:
            form.add_error(None, message)
