"""Every unknown address under /api/v1/ answers the API's JSON 404, never the web site's HTML page."""

import pytest

from tests.workflows.api_support import api_for

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Không tìm thấy, hoặc không thuộc phạm vi đơn vị của bạn."}

UNKNOWN = [
    "/api/v1/nothing/",
    "/api/v1/nothing",
    "/api/v1/tasks/abc/",
    "/api/v1/tasks/inbox/x/",
    "/api/v1/audit/nothing/",
    "/api/v1/audit/models/abc/events/",
    "/api/v1/%0A",
    "/api/v1/a%0Ab/",
    "/api/v1/tasks/%0A/",
    "/api/v1/tasks/1%0A/",
    "/api/v1/audit/%0A/events/",
    "/api/v1/%FF/",
]


@pytest.mark.parametrize("path", UNKNOWN)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_path_is_a_json_404(world, path, method):
    response = getattr(api_for(world.standing_body), method)(path)
    assert (response.status_code, response["Content-Type"], response.json()) == (404, "application/json", NOT_FOUND)


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/a%0Ab/"])
def test_unknown_api_path_is_json_even_signed_out(client, path):
    response = client.get(path)
    assert response.status_code in (401, 404)
    assert response["Content-Type"] == "application/json"
