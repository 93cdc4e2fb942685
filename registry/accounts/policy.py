"""Who must use two-factor sign-in."""

from django.conf import settings

from registry.access import access_for

__all__ = ["two_factor_required"]


def two_factor_required(user) -> bool:
    """The data manager, coordinators (pooled data of every center) and anyone with admin access must use a
    second factor; center users may. Off only where the settings say so (the test settings)."""
    if not settings.TWO_FACTOR_ENFORCED or not user.is_authenticated:
        return False
    access = access_for(user)
    return user.is_superuser or user.is_staff or access.is_data_manager or access.is_coordinator
