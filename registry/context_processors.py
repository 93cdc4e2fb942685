from django.conf import settings


def registry(request):
    return {"SITE_NAME": settings.SITE_NAME}
