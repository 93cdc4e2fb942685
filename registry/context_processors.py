from django.conf import settings

from registry.access import access_for


def registry(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IS_DATA_MANAGER": access.is_data_manager,
        # A center's own users: the import template and their records' export are in their menu.
        "IS_CENTER_USER": bool(access.write_center_ids),
        "HAS_ROLE": access.has_any_role,
    }
