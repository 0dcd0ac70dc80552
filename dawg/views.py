"""Project-level pages: the landing page and sign-up."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from infra.http import throttle

LOGIN_WINDOW_S = 60


class SignupForm(UserCreationForm):
    """Django's sign-up form with a weak password's errors under the password field itself
    (Django puts them under the confirmation field, where they read as a mismatch)."""

    def validate_password_for_user(self, user: object, **kwargs: object) -> None:
        super().validate_password_for_user(user, password_field_name="password1")  # noqa: S106 (a field name)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico for browsers that ask for it: the SVG icon (its URL resolved per request,
    so a missing collectstatic manifest fails this request, not the URL configuration)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("chat:conversation-list")
    return render(request, "landing.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("chat:conversation-list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("chat:conversation-list")
    return render(request, "registration/signup.html", {"form": form})


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "/admin/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


class ThrottledLoginView(LoginView):
    """Django's login, with failed attempts limited per client address and per username
    (LOGIN_ATTEMPTS_PER_MINUTE): over the limit, even a right password waits (429)."""

    def _keys(self) -> list[str]:
        address = self.request.META.get("REMOTE_ADDR", "unknown")
        username = self.request.POST.get("username", "").strip().lower()[:150]
        digest = hashlib.sha256(username.encode()).hexdigest()[:32]
        return [f"dawg:login:ip:{address}", f"dawg:login:user:{digest}"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        wait = throttle.retry_after(self._keys(), limit=settings.LOGIN_ATTEMPTS_PER_MINUTE)
        if wait is not None:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, f"Too many failed log-ins. Try again in {wait} seconds.")
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: object) -> HttpResponse:
        throttle.hit(self._keys(), window_s=LOGIN_WINDOW_S)
        return super().form_invalid(form)
