from django.conf import settings

from registry.access import access_for


def registry(request):
    user = getattr(request, "user", None)
    access = access_for(user) if user is not None else None
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IS_DATA_MANAGER": bool(access and access.is_data_manager),
        # Enters data for some center (or, the data manager, for all): may register, import and export records.
        "ENTERS_DATA": bool(access and (access.write_center_ids or access.write_all)),
    }
