"""The OpenAPI schema and the Swagger page: they render, cleanly, and describe what is enforced."""

import pytest
from django.core.management import call_command

from recognition.forms import DossierForm
from recognition.models import Replication, ReReview
from tests.workflows.api_support import register
from workflows.api.schema import STAGE_REQUEST_SERIALIZERS, RegistrationCreateSerializer
from workflows.flows import RecognitionFlow
from workflows.followups import FollowUpFlow
from workflows.models import RecognitionTask
from workflows.services import task_form_for
from workflows.stages import STAGES

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/registrations/": {"get", "post"},
    "/api/v1/registrations/{id}/": {"get"},
    "/api/v1/tasks/{id}/": {"get"},
    "/api/v1/tasks/inbox/": {"get"},
    "/api/v1/tasks/queue/": {"get"},
    "/api/v1/tasks/archive/": {"get"},
    "/api/v1/tasks/{id}/claim/": {"post"},
    "/api/v1/tasks/{id}/release/": {"post"},
    "/api/v1/tasks/{id}/complete/": {"post"},
    "/api/v1/processes/{id}/": {"get"},
}


def test_schema_endpoint_lists_every_path(client):
    response = client.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    documented = {path: set(operations) - {"parameters"} for path, operations in schema["paths"].items()}
    # Other apps add their own paths under /api/v1/; these are the workflow's.
    assert {path: documented.get(path) for path in PATHS} == PATHS
    complete = schema["paths"]["/api/v1/tasks/{id}/complete/"]["post"]
    assert set(complete["responses"]) == {"200", "400", "403", "404", "409"}
    examples = complete["requestBody"]["content"]["application/json"]["examples"]
    assert {example["summary"].split(":")[0] for example in examples.values()} == set(STAGES)
    one_of = schema["components"]["schemas"]["TaskCompleteRequest"]["oneOf"]
    assert len(one_of) == len(STAGES)
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}


def test_swagger_page_renders_from_the_app_without_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"></script>' in page
    assert '<script src="/api/v1/docs/?script="></script>' in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert "<script>" not in page  # the initialisation comes from a URL, so the CSP needs no 'unsafe-inline'
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/v1/schema/"' in script.content.decode()


def test_schema_generates_without_warnings(tmp_path):
    # Raises SchemaGenerationError on any warning, and validates against the OpenAPI 3 spec.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/tasks/{id}/complete/" in (tmp_path / "schema.yaml").read_text()


def test_documented_request_fields_match_the_forms(world):
    model = register(world)
    # An unsaved stand-in per stage: task_form_for needs only the node and the process.
    task = RecognitionTask.objects.get(process_id=model["process"], flow_task_type="HUMAN")
    assert set(RegistrationCreateSerializer().fields) == set(DossierForm(user=world.submitter).fields)
    for node_name, serializer_class in STAGE_REQUEST_SERIALIZERS.items():
        # The follow-up nodes (adoption report, re-review) read the adoption or re-review they follow.
        task.flow_task = getattr(RecognitionFlow, node_name, None) or getattr(FollowUpFlow, node_name)
        task.process.replication = Replication(status="planned")
        task.process.rereview = ReReview(year=2027)
        # An approval task names its step of the pinned version (here one the version does not have).
        task.data = {"step": "tham-dinh"} if node_name == "approve" else {}
        form_fields = set(task_form_for(task=task, user=world.standing_body).fields)
        if node_name == "evaluate":
            # One field per rubric criterion, added at run time and described in the docs.
            assert {name for name in form_fields if name.startswith("criterion_")} == {
                "criterion_tt-sang-tao",
                "criterion_tt-chap-hanh-phap-luat",
                "criterion_tt-huy-dong-luc-luong",
                "criterion_tt-hai-hoa-loi-ich",
                "criterion_tt-ben-vung",
            }
            form_fields = {name for name in form_fields if not name.startswith("criterion_")}
        assert set(serializer_class().fields) == form_fields, node_name
