"""Every page carries a strict Content-Security-Policy: scripts from the app or with the page's nonce."""

import re

import pytest

from recognition.roles import Role
from tests.factories import unit_create, user_with_role


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


@pytest.mark.django_db
def test_login_page_policy_is_strict_and_carries_the_page_nonce(client):
    response = client.get("/accounts/login/")
    policy = directives(response)
    nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)">', response.content.decode()).group(1)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("style-src")[0]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_each_response_gets_a_fresh_nonce(client):
    first, second = (directives(client.get("/accounts/login/"))["script-src"][1] for _ in range(2))
    assert first != second


@pytest.mark.django_db
def test_signed_in_pages_and_api_docs_carry_the_policy(client):
    user = user_with_role(role=Role.STANDING_BODY, unit=unit_create(name="Thành ủy Cần Thơ"))
    client.force_login(user)
    for url in ["/models/", "/api/v1/docs/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response)["script-src"][0] == "'self'", url
        assert "<script>" not in response.content.decode(), url
