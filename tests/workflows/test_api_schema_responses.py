"""Real API answers validated against the OpenAPI schema the API publishes (nullable fields, error shapes)."""

import jsonschema
import pytest

from tests.workflows.api_support import REGISTRATIONS, api_for, claim, process_url, register, task_url

pytestmark = pytest.mark.django_db

# Keywords of OpenAPI 3.0 that are not JSON Schema (or only annotate).
_ANNOTATIONS = {"nullable", "readOnly", "writeOnly", "example", "examples", "discriminator", "xml", "externalDocs"}


def _json_schema(openapi: dict, schema):
    """An OpenAPI 3.0 schema object as JSON Schema: references resolved, `nullable` allowing null."""
    if isinstance(schema, list):
        return [_json_schema(openapi, item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _json_schema(openapi, openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    converted = {
        key: (
            {name: _json_schema(openapi, value) for name, value in schema[key].items()}
            if key == "properties"
            else _json_schema(openapi, schema[key])
        )
        for key in schema
        if key not in _ANNOTATIONS
    }
    if schema.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/schema/?format=json").json()


def _documented(openapi: dict, path: str, method: str, status: int) -> dict:
    content = openapi["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    return _json_schema(openapi, content)


def test_process_with_engine_steps_and_no_score_matches_the_schema(world, openapi):
    model = register(world)
    body = api_for(world.standing_body).get(process_url(model["process"])).json()

    # The start step is the engine's: no owner, no unit; the model has no score yet.
    assert body["final_score"] is None
    assert [(task["owner"], task["unit"]) for task in body["tasks"] if task["type"] != "HUMAN"][0] == (None, None)
    jsonschema.validate(body, _documented(openapi, "/api/v1/processes/{id}/", "get", 200))
    nullable = openapi["components"]["schemas"]["Process"]["properties"]["final_score"].get("nullable")
    assert nullable is True
    step = openapi["components"]["schemas"]["ProcessTask"]["properties"]
    assert (step["owner"].get("nullable"), step["unit"].get("nullable")) == (True, True)


def test_unclaimed_and_claimed_tasks_match_the_schema(world, openapi):
    model = register(world)
    unclaimed = api_for(world.standing_body).get("/api/v1/tasks/queue/").json()["results"][0]
    assert unclaimed["owner"] is None
    jsonschema.validate(unclaimed, _documented(openapi, "/api/v1/tasks/{id}/", "get", 200))
    claimed = claim(world.standing_body, model_id=model["id"], node="check_dossier")
    jsonschema.validate(claimed, _documented(openapi, "/api/v1/tasks/{id}/claim/", "post", 200))


@pytest.mark.parametrize("body", ['{"decision": ', "[1, 2", "không phải JSON"])
def test_unreadable_body_gets_the_documented_400(world, openapi, body):
    model = register(world)
    task = claim(world.standing_body, model_id=model["id"], node="check_dossier")
    api = api_for(world.standing_body)

    completion = api.post(task_url(task["id"], "complete"), body, content_type="application/json")
    registration = api_for(world.submitter).post(REGISTRATIONS, body, content_type="application/json")

    expected = {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {"non_field_errors": ["Không đọc được dữ liệu gửi lên (sai định dạng JSON hoặc multipart)."]},
    }
    assert (completion.status_code, completion.json()) == (400, expected)
    assert (registration.status_code, registration.json()) == (400, expected)
    jsonschema.validate(completion.json(), _documented(openapi, "/api/v1/tasks/{id}/complete/", "post", 400))
    jsonschema.validate(registration.json(), _documented(openapi, REGISTRATIONS, "post", 400))


def test_list_pages_and_their_refusals_match_the_schema(world, openapi):
    for index in range(3):
        register(world, name=f"Mô hình {index}")
    client = api_for(world.standing_body)
    for path in ("/api/v1/tasks/queue/", REGISTRATIONS):
        page = client.get(path, {"page_size": 2}).json()
        assert (page["count"], page["count_exact"], len(page["results"]), page["previous"]) == (3, True, 2, None)
        jsonschema.validate(page, _documented(openapi, path, "get", 200))
        last = client.get(page["next"]).json()
        assert (last["next"], len(last["results"])) == (None, 1)
        jsonschema.validate(last, _documented(openapi, path, "get", 200))
        refused = client.get(path, {"page_size": 101, "ordering": "bogus", "cursor": "x"})
        assert (refused.status_code, sorted(refused.json()["errors"])) == (400, ["ordering", "page_size"])
        jsonschema.validate(refused.json(), _documented(openapi, path, "get", 400))
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in openapi["paths"]["/api/v1/tasks/archive/"]["get"]["parameters"]
    }
    assert parameters == {
        "cursor": {"type": "string"},
        "ordering": {"type": "string", "enum": ["-finished", "finished"], "default": "-finished"},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
    }
