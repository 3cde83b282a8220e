from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from config.health import healthz


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: the vendored icon,
    by its static name (hashed in production, so the redirect is temporary:
    the name changes with the icon)."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="clients:list"), name="home"),
    path("administracion/clientes/", include("clients.urls")),
    path("administracion/lotes/", include("clients.batch_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
