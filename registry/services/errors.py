from django.core.exceptions import ValidationError

__all__ = ["ConcurrentEditError", "DuplicateRegistration", "RecordsInvalid"]


class ConcurrentEditError(ValidationError):
    """Someone saved the record after this form was rendered. The message lists what they changed."""


class RecordsInvalid(ValidationError):
    """Several records were saved together and some broke rules: `errors[i]` is a ValidationError for the
    i-th change (field errors in `message_dict`), so a formset can show each on its own row."""

    def __init__(self, errors: dict[int, ValidationError]):
        self.errors = errors
        super().__init__([message for error in errors.values() for message in error.messages])


class DuplicateRegistration(ValidationError):
    """The hospital number is already registered at this center. `existing` is that case: it is at the same
    center, so whoever tried to register the child may open it (the form links to it)."""

    def __init__(self, message: str, *, existing):
        self.existing = existing
        super().__init__({"hospital_number": [message]})
