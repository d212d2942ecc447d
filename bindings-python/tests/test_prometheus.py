"""siteverify.prometheus: scraped with prometheus_client's own exposition after real verifications."""

from __future__ import annotations

import asyncio
from typing import Dict, Iterator, Tuple

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import siteverify
import siteverify.prometheus
from siteverify.testing import MockProvider

Samples = Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float]


def scrape(registry: CollectorRegistry) -> Samples:
    """Every sample of ``generate_latest(registry)``, keyed by (name, sorted labels)."""
    text = generate_latest(registry).decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def mock() -> Iterator[MockProvider]:
    with MockProvider() as m:
        yield m


def test_counts_after_verifications(mock: MockProvider) -> None:
    registry = CollectorRegistry()
    prosopo = mock.client("prosopo", retry_base_delay=0.001)
    collector = siteverify.prometheus.register(prosopo, registry)
    prosopo_open = mock.async_client("prosopo", on_fail_open="accept")
    collector.add(prosopo_open)
    collector.add(prosopo_open)  # twice: counted once
    gatekeeper = mock.client("gatekeeper")
    gk_wrong = mock.client("gatekeeper", secret="wrong")
    collector.add(gatekeeper)
    collector.add(gk_wrong)

    for token in ("pass", "pass", "pass", "fail", None, "flaky:fails=1", "error:key=API.SOMETHING", "fail-open"):
        prosopo.verify(token)

    async def main() -> None:
        for token in ("pass", "fail-open", "status:code=400"):
            await prosopo_open.verify(token)

    asyncio.run(main())
    gatekeeper.verify("pass")
    gatekeeper.verify("fail")
    gk_wrong.verify("pass")
    s = scrape(registry)

    total = "siteverify_verifications_total"
    assert value(s, total, provider="prosopo", reason="verified", accepted="true") == 5  # 4 + the flaky one
    assert value(s, total, provider="prosopo", reason="token-invalid", accepted="false") == 4
    assert value(s, total, provider="prosopo", reason="provider-fail-open", accepted="false") == 1  # fail closed
    assert value(s, total, provider="prosopo", reason="provider-fail-open", accepted="true") == 1  # on_fail_open
    assert value(s, total, provider="gatekeeper", reason="verified", accepted="true") == 1
    assert value(s, total, provider="gatekeeper", reason="token-invalid", accepted="false") == 1
    assert value(s, total, provider="gatekeeper", reason="provider-rejected-request", accepted="false") == 1
    assert sum(v for (name, _), v in s.items() if name == total) == 11 + 3

    assert value(s, "siteverify_fail_open_suspected_total", provider="prosopo") == 2
    assert value(s, "siteverify_fail_open_suspected_total", provider="gatekeeper") == 0
    errors = "siteverify_provider_errors_total"
    assert value(s, errors, provider="prosopo", key="API.SOMETHING") == 1
    assert value(s, errors, provider="prosopo", key="API.UNKNOWN") == 1
    assert value(s, errors, provider="gatekeeper", key="invalid-input-secret") == 1
    assert value(s, errors, provider="gatekeeper", key="invalid-input-response") == 1
    assert value(s, "siteverify_retries_total", provider="prosopo") == 1
    assert value(s, "siteverify_errors_total", provider="prosopo") == 0

    duration = "siteverify_verification_duration_seconds"
    assert value(s, duration + "_count", provider="prosopo", accepted="true") == 6
    assert value(s, duration + "_count", provider="prosopo", accepted="false") == 5
    assert value(s, duration + "_bucket", provider="prosopo", accepted="true", le="+Inf") == 6
    assert value(s, duration + "_count", provider="gatekeeper", accepted="false") == 2
    bounds = [
        float(dict(labels)["le"])
        for (name, labels), _ in s.items()
        if name == duration + "_bucket" and ("provider", "prosopo") in labels and ("accepted", "true") in labels
    ]
    assert sorted(bounds)[:-1] == list(siteverify.LATENCY_BUCKETS)
    # the histograms split by `accepted` add up to the core's own
    both = [value(s, duration + "_sum", provider="prosopo", accepted=a) for a in ("true", "false")]
    core = [c.stats().verification_seconds for c in (prosopo, prosopo_open)]
    assert sum(both) == pytest.approx(sum(h.sum_seconds for h in core))
    for i, le in enumerate(siteverify.LATENCY_BUCKETS):
        split = sum(
            value(s, duration + "_bucket", provider="prosopo", accepted=a, le=repr(le)) for a in ("true", "false")
        )
        assert split == sum(h.buckets[i][1] for h in core)

    rtt = "siteverify_round_trip_duration_seconds"
    # every answered attempt (the flaky 503 included, the local rejection not): 8 + 3
    assert value(s, rtt + "_count", provider="prosopo") == 11
    assert value(s, rtt + "_count", provider="gatekeeper") == 3

    # counters only grow, and removing a client takes its counts out
    prosopo.verify("pass")
    assert value(scrape(registry), total, provider="prosopo", reason="verified", accepted="true") == 6
    collector.remove(gk_wrong)
    after = scrape(registry)
    assert value(after, total, provider="gatekeeper", reason="provider-rejected-request", accepted="false") == 0
    assert value(after, total, provider="gatekeeper", reason="verified", accepted="true") == 1


def test_default_registry(mock: MockProvider) -> None:
    a = mock.client("prosopo")
    b = mock.client("prosopo")
    collector = siteverify.prometheus.register(a)
    assert siteverify.prometheus.register(b) is collector
    try:
        a.verify("pass")
        b.verify("pass")
        before = REGISTRY.get_sample_value(
            "siteverify_verifications_total", {"provider": "prosopo", "reason": "verified", "accepted": "true"}
        )
        assert before is not None and before >= 2
        assert b"siteverify_verification_duration_seconds_bucket" in generate_latest()
    finally:
        siteverify.prometheus.unregister(a)
        siteverify.prometheus.unregister(b)
    assert (
        REGISTRY.get_sample_value(
            "siteverify_verifications_total", {"provider": "prosopo", "reason": "verified", "accepted": "true"}
        )
        is None
    )


def test_empty_collector_scrapes() -> None:
    registry = CollectorRegistry()
    registry.register(siteverify.prometheus.SiteverifyCollector())
    text = generate_latest(registry).decode()
    assert "# TYPE siteverify_verifications_total counter" in text
    assert "# TYPE siteverify_verification_duration_seconds histogram" in text
