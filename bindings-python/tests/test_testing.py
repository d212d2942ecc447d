"""siteverify.testing: the in-process mock provider and its pytest fixture."""

from __future__ import annotations

import asyncio

import pytest

import siteverify
from siteverify.testing import MOCK_SECRET, MockProvider


def test_context_manager_url_endpoints_and_request_count() -> None:
    with MockProvider() as mock:
        assert mock.running and mock.url.startswith("http://127.0.0.1:")
        assert mock.endpoint("prosopo") == mock.url + "/siteverify"
        assert mock.endpoint("gatekeeper") == mock.url + "/api/v1/token/verify"
        assert mock.endpoint("turnstile") == mock.url + "/turnstile/v0/siteverify"
        assert mock.endpoint("recaptcha-enterprise") == mock.url + "/v1/projects/siteverify-mock/assessments"
        assert all(mock.endpoint(p).startswith(mock.url + "/") for p in siteverify.PROVIDERS)
        assert mock.ca_pem is None and mock.secret == MOCK_SECRET
        assert mock.requests == 0
        client = siteverify.Client(provider="prosopo", secret=MOCK_SECRET, endpoint=mock.endpoint("prosopo"))
        assert client.verify("pass").accepted
        assert client.verify("fail").reason == "token-invalid"
        assert client.verify(None).attempts == 0  # rejected locally: no request
        assert mock.requests == 2
        assert mock.stats()["connections"] >= 1
    assert not mock.running
    assert mock.requests == 2  # readable after the block
    assert "closed" in repr(mock)
    mock.close()  # idempotent


def test_a_closed_mock_refuses_connections() -> None:
    mock = MockProvider()
    client = mock.client("gatekeeper", max_retries=0)
    assert client.verify("pass").accepted
    mock.close()
    down = client.verify("pass")
    assert (down.accepted, down.conclusive, down.reason) == (False, False, "provider-unavailable")


def test_unknown_provider() -> None:
    with MockProvider() as mock, pytest.raises(ValueError, match="prosopo"):
        mock.endpoint("nope")


def test_secret_argument() -> None:
    with MockProvider(secret="s-one") as mock:
        assert mock.client("prosopo").verify("pass").accepted  # the client helper uses the mock's secret
        wrong = mock.client("gatekeeper", secret=MOCK_SECRET).verify("pass")
        assert (wrong.accepted, wrong.reason, wrong.error_codes) == (
            False,
            "provider-rejected-request",
            ("invalid-input-secret",),
        )
    with MockProvider(secret=["a", "b"]) as mock:
        for secret in ("a", "b"):
            assert mock.client("gatekeeper", secret=secret).verify("pass").accepted
    with pytest.raises(ValueError):
        MockProvider(secret=[])


def test_tls() -> None:
    with MockProvider(tls=True) as mock:
        assert mock.url.startswith("https://127.0.0.1:")
        assert mock.ca_pem is not None and mock.ca_pem.startswith("-----BEGIN CERTIFICATE-----")
        assert mock.client("prosopo").verify("pass").accepted  # trusts the mock's CA
        untrusted = siteverify.Client(provider="prosopo", secret=mock.secret, endpoint=mock.endpoint("prosopo"))
        assert untrusted.verify("pass").reason == "tls-failure"
        assert mock.stats()["tls_handshakes"] >= 1


def test_tls_wrong_hostname() -> None:
    with MockProvider(tls=True, wrong_hostname=True) as mock:
        assert mock.client("gatekeeper").verify("pass").reason == "tls-failure"
    with pytest.raises(TypeError):
        MockProvider(wrong_hostname=True)


def test_async_client() -> None:
    async def main(mock: MockProvider) -> list[str]:
        client = mock.async_client("gatekeeper", expected_hostnames="example.com")
        outcomes = await asyncio.gather(*(client.verify(t) for t in ("pass", "fail", "pass:hostname=evil.example")))
        return [o.reason for o in outcomes]

    with MockProvider() as mock:
        assert asyncio.run(main(mock)) == ["verified", "token-invalid", "hostname-mismatch"]
        assert mock.requests == 3


def test_fixture(mock_provider: MockProvider) -> None:
    assert mock_provider.running and mock_provider.requests == 0
    assert mock_provider.client().verify("pass").accepted
    assert mock_provider.requests == 1


def test_many_mocks_at_once() -> None:
    mocks = [MockProvider() for _ in range(5)]
    try:
        assert len({m.url for m in mocks}) == 5
        for m in mocks:
            assert m.client().verify("pass").accepted
    finally:
        for m in mocks:
            m.close()


@pytest.mark.parametrize("provider", siteverify.PROVIDERS)
def test_every_provider_against_the_in_process_mock(provider: str) -> None:
    extra = {"site_key": "mock-site-key", "project_id": "siteverify-mock"} if provider == "recaptcha-enterprise" else {}
    with MockProvider() as mock:
        client = mock.client(provider, **extra)
        assert client.provider == provider
        assert client.endpoint == mock.endpoint(provider)
        assert client.verify("pass").accepted
        failed = client.verify("fail")
        assert (failed.accepted, failed.conclusive) == (False, True)
