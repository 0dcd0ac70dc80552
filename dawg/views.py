"""Project-level pages: the landing page and sign-up."""

import hashlib
import logging
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from infra.http import throttle
from infra.observability import metrics
from infra.realtime import session_groups

logger = logging.getLogger(__name__)

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


class SocketClosingPasswordChangeView(PasswordChangeView):
    """Django's password change (the current session stays logged in); every open socket
    of the user, in every browser, is closed, and other sessions are logged out by Django's
    session hash check, so their sockets cannot come back."""

    template_name = "registration/password_change_form.html"

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)
        session_groups.end_sockets(
            [session_groups.user_group(self.request.user.pk)], reason="password_change"
        )
        return response


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "/admin/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


def login_key(username: str) -> str:
    """The throttle's name for a username: NFKC then casefold, as the login form folds it
    (UsernameField applies NFKC), so a full-width "alice" and "ALICE" count in alice's bucket."""
    folded = unicodedata.normalize("NFKC", username).strip().casefold()[:150]
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


def _address(request: HttpRequest) -> str:
    # The client as TRUSTED_PROXIES vouch for it (infra.http.client_address).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ThrottledLoginView(LoginView):
    """Django's login, with failed attempts limited without letting anyone lock a user out.

    - per (username, client address): LOGIN_ATTEMPTS_PER_MINUTE failures, then 429 even for
      the right password, for that pair only: someone guessing from elsewhere cannot keep
      the owner out;
    - per client address (any username): LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE, against one
      address spraying many names;
    - per username across addresses: never a refusal, an alarm (a warning log line and
      ``dawg_login_throttled_total{bucket="user_alarm"}``) past LOGIN_USER_ALARM_PER_HOUR.
    """

    def _keys(self) -> dict[str, str]:
        user = login_key(self.request.POST.get("username", ""))
        address = _address(self.request)
        return {
            "pair": f"dawg:login:pair:{user}:{address}",
            "address": f"dawg:login:ip:{address}",
            "user_alarm": f"dawg:login:user:{user}",
        }

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        keys = self._keys()
        wait = throttle.retry_after([keys["pair"]], limit=settings.LOGIN_ATTEMPTS_PER_MINUTE)
        bucket = "pair"
        if wait is None:
            bucket = "address"
            wait = throttle.retry_after(
                [keys["address"]], limit=settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE
            )
        if wait is not None:
            metrics.login_throttled(bucket)
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, f"Too many failed log-ins. Try again in {wait} seconds.")
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: object) -> HttpResponse:
        keys = self._keys()
        throttle.hit([keys["pair"], keys["address"]], window_s=LOGIN_WINDOW_S)
        failures = throttle.hit([keys["user_alarm"]], window_s=3600)
        if failures and failures[0] == settings.LOGIN_USER_ALARM_PER_HOUR:
            # Once per hour and user: many addresses guessing one account. Alert, never lock.
            metrics.login_throttled("user_alarm")
            logger.warning(
                "login alarm: %d failed log-ins for one username in an hour", failures[0]
            )
        return super().form_invalid(form)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up; at most SIGNUPS_PER_HOUR new accounts per client address (429 above)."""
    if request.user.is_authenticated:
        return redirect("chat:conversation-list")
    form = SignupForm(request.POST or None)
    key = f"dawg:signup:ip:{_address(request)}"
    if request.method == "POST":
        wait = throttle.retry_after([key], limit=settings.SIGNUPS_PER_HOUR)
        if wait is not None:
            metrics.login_throttled("signup")
            form.errors.clear()
            form.add_error(None, f"Too many new accounts from here. Try again in {wait} seconds.")
            response = render(request, "registration/signup.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            user = form.save()
            throttle.hit([key], window_s=3600)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("chat:conversation-list")
    return render(request, "registration/signup.html", {"form": form})
