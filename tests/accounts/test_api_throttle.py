"""The API refuses callers beyond their rate with 429 in the documented error shape."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.workflows.api_support import INBOX, api_for


@pytest.fixture
def low_rates(settings):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"}}
    settings.REST_FRAMEWORK = rest
    # DRF reads the rates once, into the throttle class.
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rest["DEFAULT_THROTTLE_RATES"]
    yield
    SimpleRateThrottle.THROTTLE_RATES = original


def test_signed_in_user_beyond_the_rate_gets_429_in_the_error_shape(world, low_rates):
    client = api_for(world.standing_body)
    statuses = [client.get(INBOX).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = client.get(INBOX)
    assert refused.json() == {"detail": "Gửi quá nhiều yêu cầu. Hãy thử lại sau 60 giây."}
    assert refused["Retry-After"] == "60"


def test_each_user_has_their_own_budget(world, low_rates):
    for _ in range(5):
        api_for(world.standing_body).get(INBOX)
    assert api_for(world.standing_body).get(INBOX).status_code == 429
    assert api_for(world.chair).get(INBOX).status_code == 200


def test_anonymous_caller_is_throttled_by_address(db, low_rates):
    anonymous = APIClient()
    responses = [anonymous.post("/api/v1/auth/token/", {"username": "x", "password": "y"}) for _ in range(4)]
    assert [response.status_code for response in responses] == [400, 400, 400, 429]
    assert responses[-1].json() == {"detail": "Gửi quá nhiều yêu cầu. Hãy thử lại sau 60 giây."}
    assert APIClient(REMOTE_ADDR="198.51.100.7").post("/api/v1/auth/token/", {"username": "x"}).status_code == 400


def test_default_rates_come_from_settings(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"anon": "60/minute", "user": "600/minute"}
