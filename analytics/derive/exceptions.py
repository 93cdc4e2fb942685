"""The one exception of the derivation package, so callers and tests can name it."""

__all__ = ["DerivationInputError"]


class DerivationInputError(ValueError):
    """An input cannot be used as given (a rule that matches everything, an unknown setting value...).

    Missing or contradictory *clinical* data never raises: it gives "unknown" with a reason. This is for
    configuration and programming errors, which must fail loudly instead of producing a wrong table.
    """
