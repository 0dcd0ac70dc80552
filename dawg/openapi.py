"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

UUID = {"type": "string", "format": "uuid"}
ERROR = {
    "description": "An error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": UUID}


COMMON_ERRORS = {"401": ERROR, "403": ERROR, "404": ERROR}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "retry_after": {"type": "integer"},
                },
            }
        },
    },
    "Conversation": {
        "type": "object",
        "required": ["id", "title", "seq"],
        "properties": {
            "id": UUID,
            "title": {"type": "string"},
            "custom_title": {"type": "string"},
            "seq": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "Message": {
        "type": "object",
        "required": ["id", "role", "text"],
        "properties": {
            "id": UUID,
            "role": {"enum": ["user", "assistant", "system"]},
            "text": {"type": "string"},
            "client_msg_id": {"type": ["string", "null"]},
            "reply_to": {"type": ["string", "null"]},
            "action": {"type": ["string", "null"]},
            "created_at": {"type": "string"},
        },
    },
    "Asset": {
        "type": "object",
        "required": ["id", "kind", "name", "url"],
        "properties": {
            "id": UUID,
            "kind": {"type": "string"},
            "name": {"type": "string"},
            "bytes": {"type": "integer"},
            "content_type": {"type": "string"},
            "duration_s": {"type": ["number", "null"]},
            "url": {"type": "string"},
            "stream_url": {"type": "string"},
        },
    },
    "Version": {
        "type": "object",
        "required": ["id", "number", "spec"],
        "properties": {
            "id": UUID,
            "beat": UUID,
            "number": {"type": "integer", "minimum": 1},
            "parent": {"type": ["string", "null"]},
            "spec": {"type": "object"},
            "summary": {"type": "string"},
            "genre": {"type": "string"},
            "bpm": {"type": "number"},
            "key": {"type": "string"},
            "duration_s": {"type": "number"},
            "change_summary": {"type": "string"},
            "created_at": {"type": "string"},
            "assets": {"type": "array", "items": {"$ref": "#/components/schemas/Asset"}},
        },
    },
    "Job": {
        "type": "object",
        "required": ["id", "status", "progress"],
        "properties": {
            "id": UUID,
            "version": UUID,
            "status": {"enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
            "stage": {"type": "string"},
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "attempts": {"type": "integer"},
            "error_code": {"type": ["string", "null"]},
            "error_message": {"type": ["string", "null"]},
            "queued_at": {"type": "string"},
            "started_at": {"type": ["string", "null"]},
            "finished_at": {"type": ["string", "null"]},
        },
    },
    "Snapshot": {
        "type": "object",
        "required": ["seq", "conversation", "messages", "jobs"],
        "properties": {
            "seq": {"type": "integer"},
            "conversation": {"$ref": "#/components/schemas/Conversation"},
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "beat": {"type": ["object", "null"]},
            "beats": {"type": "array", "items": {"type": "object"}},
            "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}},
        },
    },
    "Turn": {
        "type": "object",
        "required": ["message", "duplicate"],
        "properties": {
            "message": {"$ref": "#/components/schemas/Message"},
            "reply": {"oneOf": [{"$ref": "#/components/schemas/Message"}, {"type": "null"}]},
            "version": {"oneOf": [{"$ref": "#/components/schemas/Version"}, {"type": "null"}]},
            "job": {"oneOf": [{"$ref": "#/components/schemas/Job"}, {"type": "null"}]},
            "beat": {"type": ["string", "null"]},
            "duplicate": {"type": "boolean"},
        },
    },
    "Beat": {
        "type": "object",
        "required": ["id", "versions"],
        "properties": {
            "id": UUID,
            "conversation": UUID,
            "title": {"type": "string"},
            "name": {"type": "string"},
            "current_version": {"type": ["string", "null"]},
            "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/conversations/": {
        "post": {
            "operationId": "conversation_create",
            "summary": "Start a conversation",
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"title": {"type": "string", "maxLength": 200}},
                        }
                    }
                },
            },
            "responses": {
                "201": _json("Conversation", "Created"),
                "400": ERROR,
                "413": ERROR,
                **COMMON_ERRORS,
            },
        }
    },
    "/api/conversations/{conversation_id}/": {
        "get": {
            "operationId": "conversation_detail",
            "summary": "A conversation's state: messages, beat, versions, jobs (the resume snapshot)",
            "parameters": [_id_param("conversation_id")],
            "responses": {"200": _json("Snapshot", "The snapshot"), **COMMON_ERRORS},
        }
    },
    "/api/conversations/{conversation_id}/messages/": {
        "post": {
            "operationId": "message_create",
            "summary": "One chat turn (idempotent on client_msg_id)",
            "parameters": [_id_param("conversation_id")],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["text", "client_msg_id"],
                            "properties": {"text": {"type": "string"}, "client_msg_id": UUID},
                        }
                    }
                },
            },
            "responses": {
                "200": _json("Turn", "A resend: the first result"),
                "201": _json("Turn", "Stored, answered, and (for a create or edit) queued"),
                "400": ERROR,
                "413": ERROR,
                "429": ERROR,
                **COMMON_ERRORS,
            },
        }
    },
    "/api/jobs/{job_id}/": {
        "get": {
            "operationId": "job_detail",
            "summary": "A render job's status and progress",
            "parameters": [_id_param("job_id")],
            "responses": {"200": _json("Job", "The job"), **COMMON_ERRORS},
        }
    },
    "/api/jobs/{job_id}/cancel/": {
        "post": {
            "operationId": "job_cancel",
            "summary": "Cancel a queued job, or a running one at its next stage",
            "parameters": [_id_param("job_id")],
            "responses": {
                "200": {"description": "Whether it was cancelled, and the job"},
                **COMMON_ERRORS,
            },
        }
    },
    "/api/beats/{beat_id}/": {
        "get": {
            "operationId": "beat_detail",
            "summary": "A beat with every version and its assets' download URLs",
            "parameters": [_id_param("beat_id")],
            "responses": {"200": _json("Beat", "The beat"), **COMMON_ERRORS},
        }
    },
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "DAWG AI JSON API",
            "version": "1",
            "description": (
                "Session-authenticated (Django login). State-changing requests need the CSRF "
                "token in X-CSRFToken. Other users' ids answer 404. Realtime events: "
                "docs/realtime-protocol.md."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
        },
        "security": [{"session": []}],
        "paths": PATHS,
    }


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document())
