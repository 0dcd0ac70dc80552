"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from generation.admin_operations import operations_view

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("favicon.ico", views.favicon),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.ThrottledLoginView.as_view(), name="login"),
    # Only log-in and log-out: no e-mail is configured, so no password-reset pages.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        views.SocketClosingPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    # Operators log in through the same throttled form as everyone else.
    path("admin/login/", views.admin_login_redirect),
    path("admin/operations/", admin.site.admin_view(operations_view), name="admin-operations"),
    path("admin/", admin.site.urls),
    path("c/", include("chat.urls")),
    path("beats/", include("generation.urls")),
    path("api/", include("dawg.api_urls")),
    path("", include("infra.observability.urls")),
]

handler400 = "infra.http.api.bad_request"
handler404 = "infra.http.api.not_found"
handler500 = "infra.http.api.server_error"
