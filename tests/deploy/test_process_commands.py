"""The image's processes, run here as the deployment files say: release, web, worker, beat."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from infra.redis.embedded import free_port
from tests.deploy.process_commands import (
    DEPLOY,
    ROOT,
    canonical,
    compose_file,
    dockerfile_stages,
    k8s_container,
    k8s_resource,
    listen_port,
    procfile_commands,
)
from tests.deploy.test_settings_env import SAFE_PROD_ENV
from tests.deploy.tls import self_signed_certificate

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 60


def _http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def image_env(tmp_path_factory) -> dict[str, str]:
    """The environment the image and the manifests give the processes (production settings)."""
    tmp = tmp_path_factory.mktemp("image")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    venv_bin = str(Path(sys.executable).parent)
    return {
        **clean,
        **SAFE_PROD_ENV,
        "PATH": f"{venv_bin}{os.pathsep}{clean.get('PATH', '')}",
        # The public host first, as in production; the health checks must send it.
        "DJANGO_ALLOWED_HOSTS": "beats.example.com,127.0.0.1,localhost",
        "SITE_URL": "https://beats.example.com",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "STORAGE_BACKEND": "filesystem",
        # Production refuses local-disk media unless told (one machine, no S3 here).
        "STORAGE_ALLOW_FILESYSTEM_IN_PRODUCTION": "true",
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "PORT": str(free_port()),
        "CELERY_WORKER_CONCURRENCY": "1",
        # A plain-HTTP process beside daphne, if the Procfile has one (gunicorn: `http`).
        "HTTP_PORT": str(free_port()),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "WORKER_METRICS_PORT": str(free_port()),
        "WORKER_METRICS_ADDR": "127.0.0.1",
        "HOSTNAME": socket.gethostname(),
        # nginx (tests/deploy's TLS front) runs here: its X-Forwarded-* are believed.
        "TRUSTED_PROXIES": "127.0.0.1,::1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _run(argv: list[str], env: dict[str, str], timeout: float = 120) -> None:
    result = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{argv}\n{result.stdout}\n{result.stderr}"


def _run_with_retries(argv: list[str], env: dict[str, str], attempts: int = 3) -> None:
    """A health check as Docker runs it: it may fail a few times (retries) before it counts."""
    for attempt in range(attempts):
        result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        if result.returncode == 0:
            return
        if attempt < attempts - 1:
            time.sleep(1)
    raise AssertionError(f"{argv}\n{result.stdout}\n{result.stderr}")


def _build_step(image_env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The build stage's collectstatic RUN with the environment the Dockerfile gives it.

    Only the output folder moves (the test's, not /app/staticfiles) and the build's
    placeholder database goes to the test's temporary folder.
    """
    for line in dockerfile_stages()[0]:
        if "collectstatic" in line:
            words = shlex.split(line.removeprefix("RUN ").split("&&")[0])
            assigned = dict(w.split("=", 1) for w in words if re.match(r"^[A-Z_]+=", w))
            argv = [w for w in words if not re.match(r"^[A-Z_]+=", w)]
            assert assigned["DJANGO_SETTINGS_MODULE"] == "dawg.settings.production"
            tmp = Path(image_env["DJANGO_STATIC_ROOT"]).parent
            env = {
                "PATH": image_env["PATH"],
                **assigned,
                "DJANGO_STATIC_ROOT": image_env["DJANGO_STATIC_ROOT"],
                "DATABASE_URL": f"sqlite:///{tmp / 'collectstatic.sqlite3'}",
            }
            return argv, env
    raise AssertionError("no collectstatic step in the Dockerfile")


@pytest.fixture(scope="module")
def stack(image_env) -> Iterator[dict[str, subprocess.Popen]]:
    # docker build: collectstatic with only the variables the Dockerfile sets.
    _run(*_build_step(image_env))
    commands = procfile_commands()
    _run(canonical(commands["release"], image_env), image_env)
    processes: dict[str, subprocess.Popen] = {}
    logs: dict[str, Path] = {}
    try:
        # Every long-running process type of the Procfile (web, worker, beat, and any other).
        for role in [r for r in commands if r != "release"]:
            logs[role] = Path(image_env["MEDIA_ROOT"]).parent / f"{role}.log"
            argv = canonical(commands[role], image_env)
            if role == "beat":  # the schedule file must not land in a shared /tmp here
                argv[argv.index("--schedule") + 1] = str(logs[role].with_suffix(".schedule"))
            processes[role] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=image_env,
                stdout=logs[role].open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        yield processes
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_ready(url: str, processes: dict[str, subprocess.Popen]) -> dict:
    deadline = time.monotonic() + START_TIMEOUT_S
    last: object = None
    while time.monotonic() < deadline:
        for role, process in processes.items():
            assert process.poll() is None, f"{role} exited with {process.returncode}"
        try:
            status, _, body = _http_get(url)
            last = (status, body[:500])
            # 200 comes with "degraded" too (e.g. before the worker consumes its queues):
            # ready means every part is ok.
            if status == 200 and json.loads(body).get("status") == "ok":
                return json.loads(body)
        except OSError as error:
            last = error
        time.sleep(0.3)
    raise AssertionError(f"{url} never answered 200 with every part ok: {last}")


def test_release_then_web_and_worker_become_ready(stack, image_env):
    base = f"http://127.0.0.1:{image_env['PORT']}"
    report = _wait_ready(f"{base}/health/ready", stack)
    assert report["status"] == "ok"
    parts = {"database", "redis", "broker", "channel_layer", "storage", "static_files"}
    assert parts <= set(report["checks"])
    # Any other HTTP process of the Procfile (a WSGI server beside daphne) is ready too.
    for role, command in procfile_commands().items():
        port = listen_port(canonical(command, image_env))
        if role in stack and role != "web" and port:
            assert _wait_ready(f"http://127.0.0.1:{port}/health/ready", stack)["status"] == "ok"

    # The image's HEALTHCHECK, run as Docker would run it.
    healthcheck = next(ln for ln in dockerfile_stages()[-1] if ln.startswith("HEALTHCHECK "))
    argv = json.loads(healthcheck.split(" CMD ", 1)[1])
    _run_with_retries(argv, image_env)
    if "http" in stack:  # the same image running only the WSGI tier: nothing on PORT
        _run_with_retries(argv, {**image_env, "PORT": str(free_port())})
    # Compose's web healthcheck (readiness).
    compose_check = compose_file()["services"]["web"]["healthcheck"]["test"]
    assert compose_check[0] == "CMD"
    _run_with_retries(compose_check[1:], image_env)

    # The worker's Kubernetes readiness probe finds this worker through the broker (retried
    # as kubelet would while the worker boots).
    probe = k8s_container("Deployment", "dawg-worker")["readinessProbe"]["exec"]["command"]
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        result = subprocess.run(
            canonical(probe, image_env), cwd=ROOT, env=image_env, capture_output=True, text=True
        )
        if result.returncode == 0 or time.monotonic() > deadline:
            break
        assert stack["worker"].poll() is None, "the worker exited"
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pong" in result.stdout

    # The worker serves its metrics where the pod annotation says Prometheus should look.
    annotations = k8s_resource("Deployment", "dawg-worker")["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert (
        annotations["prometheus.io/port"]
        == k8s_resource("ConfigMap", "dawg-config")["data"]["WORKER_METRICS_PORT"]
    )
    status, _, body = _http_get(f"http://127.0.0.1:{image_env['WORKER_METRICS_PORT']}/metrics")
    assert status == 200
    assert b"celery" in body or b"dawg_" in body


def test_https_only_with_hsts_csp_and_static_files(stack, image_env):
    base = f"http://127.0.0.1:{image_env['PORT']}"
    _wait_ready(f"{base}/health/ready", stack)
    # Plain HTTP is redirected; behind the proxy header pages carry HSTS and CSP.
    status, headers, _ = _http_get(f"{base}/")
    assert status == 301
    assert headers["Location"].startswith("https://")
    status, headers, _ = _http_get(f"{base}/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "max-age=" in headers["Strict-Transport-Security"]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    # WSS only: sockets to this site's own wss:// host, no ws: and no other host.
    connect_src = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert connect_src == "connect-src 'self' wss://beats.example.com"
    # Static files from the image's collected, hashed copy (WhiteNoise).
    manifest = json.loads((Path(image_env["DJANGO_STATIC_ROOT"]) / "staticfiles.json").read_text())
    hashed = next(iter(manifest["paths"].values()))
    status, headers, _ = _http_get(f"{base}/static/{hashed}", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "immutable" in headers.get("Cache-Control", "")


# --- nginx in front (deploy/nginx/dawg.conf with local ports and a throwaway certificate) ---

NGINX_BIN = shutil.which("nginx")


@pytest.fixture(scope="module")
def nginx(stack, image_env, tmp_path_factory) -> Iterator[dict[str, str] | None]:
    if not NGINX_BIN:
        yield None
        return
    tmp = tmp_path_factory.mktemp("nginx")
    self_signed_certificate(tmp / "fullchain.pem", tmp / "privkey.pem")
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "dawg.conf").read_text()

    def local_upstream(match: re.Match[str]) -> str:
        # upstream dawg_<role>: its servers become the local process of that Procfile role.
        role = match.group(1).removeprefix("dawg_")
        assert role in stack, f"nginx upstream {match.group(1)} has no running {role!r} process"
        port = listen_port(canonical(procfile_commands()[role], image_env))
        servers = re.sub(r"server [^;]+;", "", match.group(2))
        return f"upstream {match.group(1)} {{\n    server 127.0.0.1:{port};{servers}}}"

    site = re.sub(r"upstream (\w+) \{(.*?)\}", local_upstream, site, flags=re.S)
    # Traffic from this test goes to loopback only, whatever addresses the real file lists.
    for target in re.findall(r"^\s*server\s+([^\s;{]+)[^;{\n]*;", site, re.M):
        assert target.startswith("127.0.0.1:"), target
    site = site.replace("listen [::]:80;", "").replace("listen [::]:443 ssl http2;", "")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("/etc/nginx/tls/", f"{tmp}/")
    site = site.replace("/srv/dawg/staticfiles/", image_env["DJANGO_STATIC_ROOT"] + "/")
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp}/site.conf;\n}}\n"
    )
    process = subprocess.Popen(
        [
            NGINX_BIN,
            "-p",
            str(tmp),
            "-c",
            str(tmp / "nginx.conf"),
            "-e",
            str(tmp / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            assert process.poll() is None, (tmp / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        yield {"http": f"http://127.0.0.1:{http_port}", "https": f"https://127.0.0.1:{https_port}"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def _insecure_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@pytest.mark.skipif(not NGINX_BIN, reason="nginx is not installed")
def test_nginx_terminates_tls_and_redirects_plain_http(nginx, stack, image_env):
    _wait_ready(f"http://127.0.0.1:{image_env['PORT']}/health/ready", stack)
    status, _, _ = _http_get(f"{nginx['http']}/health")  # probes over plain HTTP still work
    assert status == 200
    status, headers, _ = _http_get(f"{nginx['http']}/c/")
    assert status == 301
    assert headers["Location"].startswith("https://")
    request = urllib.request.Request(f"{nginx['https']}/")
    with urllib.request.urlopen(request, context=_insecure_tls(), timeout=10) as response:
        # Django saw X-Forwarded-Proto: https from nginx, so no redirect, and HSTS.
        assert response.status == 200
        assert "max-age=" in response.headers["Strict-Transport-Security"]


def _session_for_a_conversation(image_env: dict[str, str]) -> tuple[str, str]:
    code = (
        "from django.test import Client\n"
        "from tests.factories import conversation_create, user_create\n"
        "user = user_create(username='deploy-wss')\n"
        "conversation = conversation_create(owner=user)\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "print('SESSION', client.cookies['sessionid'].value, conversation.id)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=image_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("SESSION "))
    _, session, conversation = line.split()
    return session, conversation


async def test_sigterm_tells_sockets_to_reconnect_then_every_process_exits_cleanly(
    nginx, stack, image_env
):
    from websockets.asyncio.client import connect

    _wait_ready(f"http://127.0.0.1:{image_env['PORT']}/health/ready", stack)
    session, conversation = _session_for_a_conversation(image_env)
    # Through nginx (wss://, upgraded on /ws/) when it is installed, else straight to daphne.
    base = (
        nginx["https"].replace("https", "wss") if nginx else f"ws://127.0.0.1:{image_env['PORT']}"
    )
    # The page's own origin: nginx passes Host without its (random) port and says https.
    origin = "https://127.0.0.1" if nginx else f"http://127.0.0.1:{image_env['PORT']}"
    ws = await connect(
        f"{base}/ws/conversations/{conversation}/",
        additional_headers={"Origin": origin, "Cookie": f"sessionid={session}"},
        ssl=_insecure_tls() if nginx else None,
        open_timeout=30,
    )
    ready = json.loads(await asyncio.wait_for(ws.recv(), 30))
    assert ready["type"] == "connection.ready"

    # SIGTERM, as a container runtime sends it.
    os.killpg(stack["web"].pid, signal.SIGTERM)
    told = json.loads(await asyncio.wait_for(ws.recv(), 30))
    assert told["type"] == "system.reconnect"
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 30)
    assert ws.close_code == 1012

    for role in [r for r in stack if r != "web"]:
        os.killpg(stack[role].pid, signal.SIGTERM)
    for role, process in stack.items():
        assert process.wait(timeout=STOP_TIMEOUT_S) == 0, role
