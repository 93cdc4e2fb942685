from django.conf import settings

from registry.access import access_for


def registry(request):
    user = getattr(request, "user", None)
<<<<<<< HEAD
    access = access_for(user) if user is not None else None
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IS_DATA_MANAGER": bool(access and access.is_data_manager),
        # Enters data for some center (or, the data manager, for all): may register, import and export records.
        "ENTERS_DATA": bool(access and (access.write_center_ids or access.write_all)),
=======
    access = access_for(user)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IS_DATA_MANAGER": access.is_data_manager,
        # A center's own users: the import template and their records' export are in their menu.
        "IS_CENTER_USER": bool(access.write_center_ids),
        "HAS_ROLE": access.has_any_role,
>>>>>>> hB
    }
