from django.conf import settings

from registry.access import access_for


def registry(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IS_DATA_MANAGER": bool(user is not None and access_for(user).is_data_manager),
    }
