from django.conf import settings

from registry.access import access_for


def registry(request):
    access = access_for(getattr(request, "user", None))
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IS_DATA_MANAGER": access.is_data_manager,
        # A center's own users: the import template and their records' export are in their menu.
        "IS_CENTER_USER": bool(access.write_center_ids),
        # Enters data for some center (or, the data manager, for all): may import.
        "ENTERS_DATA": bool(access.write_center_ids or access.write_all),
        "HAS_ROLE": access.has_any_role,
    }
