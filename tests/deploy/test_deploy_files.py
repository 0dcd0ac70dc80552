"""Deployment files validate offline and agree with each other, the settings and .env.example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.process_commands import (
    DEPLOY,
    ROLES,
    ROOT,
    canonical,
    compose_commands,
    compose_file,
    dockerfile_cmd,
    dockerfile_stages,
    k8s_commands,
    k8s_container,
    k8s_documents,
    k8s_resource,
    procfile_commands,
    railway_commands,
)
from tests.deploy.test_settings_env import documented_variables
from tests.deploy.tls import self_signed_certificate

K8S_VERSION = "1.37.0"
# Kinds that have no schema in kubernetes-validate; checked by hand below.
NON_CORE_KINDS = {"Kustomization", "ScaledObject", "TriggerAuthentication", "ServiceMonitor"}


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


# --- Docker Compose ---------------------------------------------------------------------------


def test_compose_file_validates_against_the_compose_specification():
    result = subprocess.run(
        [
            _bin("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(DEPLOY / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_validation_rejects_an_invalid_file(tmp_path):
    broken = compose_file()
    broken["services"]["web"]["depends_on"]["redis"]["condition"] = "service_maybe"
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))
    result = subprocess.run(
        [_bin("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0


def test_compose_runs_the_whole_stack_with_healthchecks_and_ordering():
    services = compose_file()["services"]
    assert {
        "web",
        "worker",
        "beat",
        "postgres",
        "redis",
        "minio",
        "setup-s3",
        "migrate",
        "prometheus",
        "grafana",
        "loki",
    } <= set(services)
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command
    assert "--requirepass" in redis_command
    assert services["setup-s3"]["command"] == ["python", "manage.py", "setup_s3"]
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["setup-s3"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"
    assert services["setup-s3"]["depends_on"]["minio"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "minio", "web", "worker", "prometheus", "grafana", "loki"):
        assert "test" in services[name]["healthcheck"], name
    assert "/health/ready" in " ".join(services["web"]["healthcheck"]["test"])
    grafana_mounts = " ".join(services["grafana"]["volumes"])
    assert "./grafana/provisioning:" in grafana_mounts
    assert "./grafana/dashboards:" in grafana_mounts


def test_compose_app_environment_is_production_and_env_driven():
    services = compose_file()["services"]
    env = services["web"]["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "dawg.settings.production"
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert env["STORAGE_BACKEND"] == "s3"
    assert services["web"]["env_file"][0]["path"] == "../.env"
    # Every variable the app reads from compose is one the settings document.
    unknown = set(env) - documented_variables()
    assert not unknown, unknown
    # Prometheus' fixed address is allowed to scrape /metrics.
    prometheus_ip = services["prometheus"]["networks"]["default"]["ipv4_address"]
    assert prometheus_ip in env["METRICS_ALLOWED_IPS"].split(",")


# --- Kubernetes ------------------------------------------------------------------------------


def test_k8s_manifests_validate_strictly_offline():
    files = sorted(str(path) for path in (DEPLOY / "k8s").rglob("*.yaml"))
    result = subprocess.run(
        [_bin("kubernetes-validate"), "--strict", "-k", K8S_VERSION, *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every resource except the known non-core kinds was checked against a schema.
    for line in result.stdout.splitlines() + result.stderr.splitlines():
        if "Couldn't find schema" in line:
            assert any(f"kind {kind} " in line for kind in NON_CORE_KINDS), line


def test_k8s_strict_validation_rejects_an_unknown_field(tmp_path):
    deployment = k8s_resource("Deployment", "dawg-web")
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessprobe"] = {}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(deployment))
    result = subprocess.run(
        [_bin("kubernetes-validate"), "--strict", "-k", K8S_VERSION, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0


@pytest.mark.parametrize("name", ["dawg-web", "dawg-http"])
def test_web_probes_use_the_health_endpoints_and_shutdown_is_graceful(name):
    web = k8s_container("Deployment", name)
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert web["livenessProbe"]["httpGet"]["path"] == "/health"
    assert web["resources"]["requests"] and web["resources"]["limits"]
    pre_stop = web["lifecycle"]["preStop"]["exec"]["command"]
    grace = k8s_resource("Deployment", name)["spec"]["template"]["spec"][
        "terminationGracePeriodSeconds"
    ]
    assert pre_stop[0] == "sleep"
    # The preStop pause plus daphne's close (≈10 s application close timeout) fit the grace.
    assert grace >= int(pre_stop[1]) + 20


def test_worker_grace_period_outlasts_the_hard_render_limit():
    from django.conf import settings

    worker_spec = k8s_resource("Deployment", "dawg-worker")["spec"]["template"]["spec"]
    assert worker_spec["terminationGracePeriodSeconds"] > settings.CELERY_TASK_TIME_LIMIT
    worker = worker_spec["containers"][0]
    assert "inspect ping" in " ".join(worker["readinessProbe"]["exec"]["command"])
    assert worker["resources"]["requests"] and worker["resources"]["limits"]
    compose_grace = compose_file()["services"]["worker"]["stop_grace_period"]
    assert int(compose_grace.rstrip("s")) > settings.CELERY_TASK_TIME_LIMIT


def test_autoscalers_and_disruption_budgets_target_the_deployments():
    web_hpa = k8s_resource("HorizontalPodAutoscaler", "dawg-web")
    assert web_hpa["spec"]["scaleTargetRef"]["name"] == "dawg-web"
    assert web_hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    worker_hpa = k8s_resource("HorizontalPodAutoscaler", "dawg-worker")
    assert worker_hpa["spec"]["scaleTargetRef"]["name"] == "dawg-worker"
    external = worker_hpa["spec"]["metrics"][0]["external"]["metric"]["name"]
    # The queue-depth gauge the web /metrics really exports.
    assert f'"{external}"' in (ROOT / "infra" / "observability" / "metrics.py").read_text()
    keda = k8s_resource("ScaledObject", "dawg-worker")
    assert keda["spec"]["scaleTargetRef"]["name"] == "dawg-worker"
    assert keda["spec"]["triggers"][0]["metadata"]["listName"] == "generation"
    for name, component in (("dawg-web", "web"), ("dawg-http", "http"), ("dawg-worker", "worker")):
        pdb = k8s_resource("PodDisruptionBudget", name)
        assert pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == component


def test_ingress_sends_websockets_to_daphne_and_the_rest_to_the_http_tier_with_tls():
    ingress = k8s_resource("Ingress", "dawg")
    paths = {
        p["path"]: p["backend"]["service"]["name"]
        for p in ingress["spec"]["rules"][0]["http"]["paths"]
    }
    assert paths["/ws/"] == "dawg-web"
    assert paths["/"] == ("dawg-http" if "http" in procfile_commands() else "dawg-web")
    for service in set(paths.values()):
        assert k8s_resource("Service", service)["spec"]["ports"][0]["name"] == "http"
    assert ingress["spec"]["tls"]
    assert (
        int(ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"])
        > 20
    )


def test_k8s_config_and_secret_keys_are_variables_from_env_example():
    documented = documented_variables()
    config = k8s_resource("ConfigMap", "dawg-config")["data"]
    assert not set(config) - documented, set(config) - documented
    secret = k8s_resource("Secret", "dawg-secrets")["stringData"]
    assert not set(secret) - documented, set(secret) - documented
    for _path, document in k8s_documents():
        if document["kind"] not in ("Deployment", "Job"):
            continue
        container = document["spec"]["template"]["spec"]["containers"][0]
        for item in container.get("env", []):
            name = item["name"].removesuffix("_FILE")
            assert name in documented or name == "POD_IP", (document["metadata"]["name"], name)
            ref = item.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["key"] in secret
        env_names = {item["name"] for item in container.get("env", [])}
        # Production refuses to boot without these; they come as mounted secret files.
        for required in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
            assert f"{required}_FILE" in env_names, (document["metadata"]["name"], required)


# --- Dockerfile ------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_slim_non_root_with_a_healthcheck():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    final = stages[-1]
    assert "${PYTHON_IMAGE}" in final[0] or "slim" in final[0]
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in (DEPLOY / "Dockerfile").read_text()
    final_text = "\n".join(final)
    assert "build-essential" not in final_text and "gcc" not in final_text
    assert "build-essential" in "\n".join(stages[0])
    user = next(line for line in final if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in ("root", "0")
    healthcheck = next(line for line in final if line.startswith("HEALTHCHECK "))
    assert "infra.observability.container_healthcheck" in healthcheck
    assert (
        '"/health"' in (ROOT / "infra" / "observability" / "container_healthcheck.py").read_text()
    )
    assert "COPY --from=build" in final_text


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("beats.example.com,127.0.0.1", "beats.example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_container_healthcheck_sends_a_host_django_allows(allowed, host):
    from infra.observability.container_healthcheck import host_header

    assert host_header(allowed) == host


def test_container_healthcheck_tries_daphnes_port_then_the_wsgi_tiers():
    from infra.observability.container_healthcheck import candidate_ports

    assert candidate_ports({}) == ["8000", "8001"]
    assert candidate_ports({"PORT": "9000", "HTTP_PORT": "9001"}) == ["9000", "9001"]
    assert candidate_ports({"PORT": "8001"}) == ["8001"]


def test_build_context_leaves_out_the_virtualenv_and_local_secrets():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert {".venv", ".git", ".env", "var"} <= set(ignored)
    copied = [ln.split()[1] for ln in dockerfile_stages()[0] if ln.startswith("COPY ")]
    # Everything the build copies exists and is not ignored.
    for source in copied:
        assert (ROOT / source).exists(), source
        assert source not in ignored, source


# --- One command per role, the same everywhere ------------------------------------------------


def test_root_procfile_is_the_deploy_procfile():
    assert (ROOT / "Procfile").read_text() == (DEPLOY / "Procfile").read_text()


@pytest.mark.parametrize("role", sorted(set(ROLES) | set(procfile_commands())))
def test_every_platform_runs_the_same_command_for_each_role(role):
    expected = canonical(procfile_commands()[role])
    sources = {
        "compose": compose_commands(),
        "k8s": k8s_commands(),
        "railway": railway_commands(),
    }
    if role == "web":
        sources["dockerfile"] = {"web": dockerfile_cmd()}
    for source, commands in sources.items():
        if role not in ROLES and role not in commands:
            continue  # an optional process type (e.g. a WSGI tier) this platform leaves out
        assert role in commands, f"{source} has no {role!r} process (the Procfile has)"
        assert canonical(commands[role]) == expected, source


def _flag(argv: list[str], *names: str) -> str:
    for name in names:
        if name in argv:
            return argv[argv.index(name) + 1]
    raise AssertionError(f"none of {names} in {argv}")


def test_web_command_listens_on_all_interfaces_on_port_behind_a_proxy():
    web = canonical(procfile_commands()["web"], {"PORT": "9000"})
    assert _flag(web, "--host", "-b") == "0.0.0.0"
    assert _flag(web, "--port", "-p") == "9000"
    # No blind X-Forwarded-For trust: client addresses come from TRUSTED_PROXIES in the app.
    assert "--proxy-headers" not in web
    # The graceful runner: SIGTERM tells every socket to reconnect (1012) before exiting.
    assert web[:3] == ["python", "-m", "infra.realtime.web_server"]


def test_worker_consumes_both_queues_the_settings_route_to():
    from django.conf import settings

    worker = canonical(procfile_commands()["worker"])
    queues = set(_flag(worker, "-Q", "--queues").split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= queues


# --- nginx -----------------------------------------------------------------------------------

NGINX_CONF = DEPLOY / "nginx" / "dawg.conf"


def test_nginx_upgrades_websockets_and_balances_several_instances():
    text = NGINX_CONF.read_text()
    upstream = re.search(r"upstream dawg_web \{(.*?)\}", text, re.S).group(1)
    assert len(re.findall(r"^\s*server ", upstream, re.M)) >= 2
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    ws = re.search(r"location /ws/ \{(.*?)\}", text, re.S).group(1)
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s", ws).group(1))
    assert read_timeout > 20  # daphne pings every 20 s, so idle sockets stay open
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "ssl_certificate " in text and "location /static/" in text
    # proxy_set_header inside a location would silently drop the server-level headers.
    for block in re.findall(r"location [^{]+\{(.*?)\}", text, re.S):
        assert "proxy_set_header" not in block or "Host" in block


def test_nginx_config_passes_nginx_t(tmp_path):
    from tests.deploy.test_nginx_failover import nginx_binary

    binary = nginx_binary()  # fails with the install hint when nginx is missing
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    self_signed_certificate(cert, key)
    site = NGINX_CONF.read_text().replace("/etc/nginx/tls/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [
            binary,
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "error.log"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
