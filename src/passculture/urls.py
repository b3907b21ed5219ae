from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("pro/", include("passculture.interfaces.pro.urls")),
    path("backoffice/", include("passculture.interfaces.backoffice.urls")),
    path("backoffice/", admin.site.urls),
    path("api/native/v1/", include("passculture.interfaces.api.native.v1.urls")),
    path("api/v2/", include("passculture.interfaces.api.public.v2.urls")),
    path("public/", include("passculture.interfaces.api.public.v1.urls")),
    path("", include("passculture.interfaces.app.urls")),
]

# French pages for every audience (interfaces/error_pages.py; its middleware does the same under DEBUG).
handler400 = "passculture.interfaces.error_pages.bad_request"
handler403 = "passculture.interfaces.error_pages.permission_denied"
handler404 = "passculture.interfaces.error_pages.page_not_found"
handler500 = "passculture.interfaces.error_pages.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
