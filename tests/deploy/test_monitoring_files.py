"""Every serving process kind (web = daphne, http = gunicorn, worker = Celery) is scraped: by
Prometheus in Compose, by annotations and ServiceMonitors in Kubernetes, under one job name."""

from __future__ import annotations

import yaml

from tests.deploy.process_commands import (
    DEPLOY,
    compose_file,
    k8s_documents,
    k8s_resource,
    procfile_commands,
)

KINDS = {"web": "dawg-web", "http": "dawg-http", "worker": "dawg-worker"}


def _prometheus_jobs() -> dict[str, dict]:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    return {job["job_name"]: job for job in config["scrape_configs"]}


def _targets(job: dict) -> list[str]:
    static = [t for c in job.get("static_configs", []) for t in c["targets"]]
    dns = [f"{n}:{c['port']}" for c in job.get("dns_sd_configs", []) for n in c["names"]]
    return static + dns


def test_every_serving_process_of_the_procfile_has_a_prometheus_job_in_compose():
    assert set(KINDS) <= set(procfile_commands())
    jobs = _prometheus_jobs()
    services = compose_file()["services"]
    for kind, job_name in KINDS.items():
        assert job_name in jobs, f"prometheus.yml does not scrape {kind}"
        (target,) = _targets(jobs[job_name])
        host = target.split(":")[0]
        assert host in services, f"{job_name} scrapes {host}, not a Compose service"
    allowed = services["web"]["environment"]["DJANGO_ALLOWED_HOSTS"]
    for job_name in ("dawg-web", "dawg-http"):
        (target,) = _targets(jobs[job_name])
        # Scraped by name: that name must pass Django's host check.
        assert target.split(":")[0] in allowed.split(","), (job_name, allowed)
    # The http service's command is the Procfile's: gunicorn with the multiprocess config.
    command = " ".join(services["http"]["command"])
    assert "python:infra.http.gunicorn_conf" in command


def test_every_serving_pod_is_annotated_on_a_port_it_exposes_and_has_a_servicemonitor():
    monitors = {
        doc["metadata"]["name"]: doc
        for path, doc in k8s_documents()
        if doc["kind"] == "ServiceMonitor"
    }
    for name in KINDS.values():
        deployment = k8s_resource("Deployment", name)
        pod = deployment["spec"]["template"]
        annotations = pod["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        ports = {p["containerPort"]: p["name"] for p in pod["spec"]["containers"][0]["ports"]}
        assert int(annotations["prometheus.io/port"]) in ports, name
        # The ServiceMonitor of the same name selects a Service that selects these pods.
        monitor = monitors[name]
        service = k8s_resource("Service", name)
        selector = monitor["spec"]["selector"]["matchLabels"]
        assert selector.items() <= service["metadata"]["labels"].items()
        assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
        (endpoint,) = monitor["spec"]["endpoints"]
        service_ports = {p["name"]: p["targetPort"] for p in service["spec"]["ports"]}
        target = service_ports[endpoint["port"]]
        assert target in ports.values() or target in ports, (name, target)
        assert endpoint["path"] == annotations["prometheus.io/path"]


def test_the_http_pods_keep_gunicorn_metrics_on_their_writable_tmp():
    container = k8s_resource("Deployment", "dawg-http")["spec"]["template"]["spec"]["containers"][0]
    # gunicorn_conf.py puts its metric files under the temp folder (read-only root otherwise).
    assert "PROMETHEUS_MULTIPROC_DIR" not in {item["name"] for item in container["env"]}
    assert "/tmp" in {mount["mountPath"] for mount in container["volumeMounts"]}
    assert "python:infra.http.gunicorn_conf" in container["command"]
