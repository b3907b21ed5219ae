from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("pro/", include("passculture.interfaces.pro.urls")),
    path("backoffice/", include("passculture.interfaces.backoffice.urls")),
    path("backoffice/", admin.site.urls),
    path("api/native/v1/", include("passculture.interfaces.api.native.v1.urls")),
    path("api/v2/", include("passculture.interfaces.api.public.v2.urls")),
    path("", include("passculture.interfaces.app.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
