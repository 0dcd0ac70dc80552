"""/health/ready under hashed static files: 503 naming static_files until collectstatic runs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db(transaction=True)

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_ready_is_503_without_collected_static_files_and_200_after(client, tmp_path):
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=str(tmp_path / "static")):
        missing = client.get("/health/ready")
        body = missing.json()
        assert missing.status_code == 503, body
        assert body["failing"] == ["static_files"]
        assert "collectstatic" in body["checks"]["static_files"]["error"]

        call_command("collectstatic", interactive=False, verbosity=0)
        ready = client.get("/health/ready")
        assert ready.status_code == 200, ready.json()["checks"]["static_files"]
        assert "files in the manifest" in ready.json()["checks"]["static_files"]["detail"]


def test_development_storage_reports_no_manifest(client):
    body = client.get("/health/ready").json()
    assert body["checks"]["static_files"]["status"] == "ok"
    assert "no manifest" in body["checks"]["static_files"]["detail"]
