"""Prometheus metrics for siteverify clients (``pip install siteverify[prometheus]``).

A ``prometheus_client`` collector that reads the counters of the clients you
register at every scrape; nothing is counted twice and verifying costs
nothing extra::

    import siteverify
    import siteverify.prometheus

    client = siteverify.Client(provider="prosopo", secret=...)
    siteverify.prometheus.register(client)   # into prometheus_client.REGISTRY

Metrics (the names every siteverify binding exports):

=============================================== ============================ ==========================================
metric                                          labels                       what
=============================================== ============================ ==========================================
``siteverify_verifications_total``              provider, reason, accepted   verifications
``siteverify_verification_duration_seconds``    provider, accepted           histogram, call to verdict
``siteverify_fail_open_suspected_total``        provider                     answers like the provider's own fail-open
``siteverify_provider_errors_total``            provider, key                the provider's error keys and codes
``siteverify_round_trip_duration_seconds``      provider                     histogram, each answered HTTP attempt
``siteverify_retries_total``                    provider                     HTTP attempts beyond the first
``siteverify_errors_total``                     provider                     calls that raised instead of answering
=============================================== ============================ ==========================================

``accepted`` is ``"true"`` or ``"false"``; the histograms use the core's
buckets (:data:`siteverify.LATENCY_BUCKETS`). Clients of the same provider
are summed.
"""

from __future__ import annotations

import math
import threading
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector, CollectorRegistry

from siteverify._native import Histogram, _ClientCore

__all__ = ["SiteverifyCollector", "register", "unregister"]


def _le(bound: float) -> str:
    return "+Inf" if math.isinf(bound) else repr(bound)


class _Sum:
    """A histogram summed over clients (same buckets in every client)."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts: List[Tuple[float, int]] = []
        self.total = 0.0

    def add(self, h: Histogram) -> None:
        if not self.counts:
            self.counts = list(h.buckets)
        else:
            self.counts = [(le, n + m) for (le, n), (_, m) in zip(self.counts, h.buckets)]
        self.total += h.sum_seconds

    def buckets(self) -> List[Tuple[str, float]]:
        return [(_le(le), float(n)) for le, n in self.counts]


class SiteverifyCollector(Collector):
    """Collects the metrics of the clients added to it, at every scrape.

    :param clients: clients (:class:`siteverify.Client` or
        :class:`siteverify.AsyncClient`) to start with; :meth:`add` more later.

    Register it yourself (``registry.register(collector)``) or use the
    module's :func:`register`.
    """

    def __init__(self, clients: Iterable[_ClientCore] = ()) -> None:
        self._lock = threading.Lock()
        self._clients: List[_ClientCore] = list(clients)

    def add(self, client: _ClientCore) -> None:
        """Export ``client``'s counters too (adding it twice changes nothing)."""
        with self._lock:
            if not any(c is client for c in self._clients):
                self._clients.append(client)

    def remove(self, client: _ClientCore) -> None:
        """Stop exporting ``client`` (its counts leave the sums: counters reset)."""
        with self._lock:
            self._clients = [c for c in self._clients if c is not client]

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            clients = list(self._clients)
        verifications: Dict[Tuple[str, str, str], int] = {}
        durations: Dict[Tuple[str, str], _Sum] = {}
        round_trips: Dict[str, _Sum] = {}
        fail_open: Dict[str, int] = {}
        provider_errors: Dict[Tuple[str, str], int] = {}
        retries: Dict[str, int] = {}
        errors: Dict[str, int] = {}
        for client in clients:
            p: str = client.provider
            stats = client.stats()
            counts, (not_accepted, accepted) = client._verdicts()
            for reason, ok, n in counts:
                key = (p, reason, "true" if ok else "false")
                verifications[key] = verifications.get(key, 0) + n
            durations.setdefault((p, "false"), _Sum()).add(not_accepted)
            durations.setdefault((p, "true"), _Sum()).add(accepted)
            round_trips.setdefault(p, _Sum()).add(stats.round_trip_seconds)
            fail_open[p] = fail_open.get(p, 0) + stats.fail_open_suspected
            for k, n in stats.by_error_key.items():
                provider_errors[(p, k)] = provider_errors.get((p, k), 0) + n
            retries[p] = retries.get(p, 0) + stats.retries
            errors[p] = errors.get(p, 0) + stats.errors

        family = CounterMetricFamily(
            "siteverify_verifications",
            "Verifications, by outcome reason and verdict.",
            labels=["provider", "reason", "accepted"],
        )
        for labels, n in sorted(verifications.items()):
            family.add_metric(list(labels), n)
        yield family

        hist = HistogramMetricFamily(
            "siteverify_verification_duration_seconds",
            "Time from the call to the verdict (retries and backoff included).",
            labels=["provider", "accepted"],
        )
        for (provider, accepted_label), summed in sorted(durations.items()):
            hist.add_metric([provider, accepted_label], summed.buckets(), summed.total)
        yield hist

        yield _per_provider(
            "siteverify_fail_open_suspected", "Answers that looked like the provider's own fail-open.", fail_open
        )

        family = CounterMetricFamily(
            "siteverify_provider_errors", "The provider's error keys and codes.", labels=["provider", "key"]
        )
        for labels2, n in sorted(provider_errors.items()):
            family.add_metric(list(labels2), n)
        yield family

        hist = HistogramMetricFamily(
            "siteverify_round_trip_duration_seconds",
            "Time of each HTTP attempt that got an answer: the provider's own latency.",
            labels=["provider"],
        )
        for provider, summed in sorted(round_trips.items()):
            hist.add_metric([provider], summed.buckets(), summed.total)
        yield hist

        yield _per_provider("siteverify_retries", "HTTP attempts beyond the first.", retries)
        yield _per_provider("siteverify_errors", "Verify calls that raised instead of returning an outcome.", errors)


def _per_provider(name: str, documentation: str, values: Dict[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=["provider"])
    for p, n in sorted(values.items()):
        family.add_metric([p], n)
    return family


_default: Optional[SiteverifyCollector] = None
_default_lock = threading.Lock()


def register(client: _ClientCore, registry: Optional[CollectorRegistry] = None) -> SiteverifyCollector:
    """Export ``client``'s metrics through ``registry`` (default:
    ``prometheus_client.REGISTRY``), which ``start_http_server`` and
    ``make_wsgi_app`` serve. Every client registered into the default registry
    shares one collector; returns the collector used.

    With another ``registry``, a new collector is registered in it: call
    ``register`` once per registry and ``collector.add`` for more clients.
    """
    global _default
    if registry is not None and registry is not REGISTRY:
        collector = SiteverifyCollector([client])
        registry.register(collector)
        return collector
    with _default_lock:
        if _default is None:
            _default = SiteverifyCollector()
            REGISTRY.register(_default)
        _default.add(client)
        return _default


def unregister(client: _ClientCore) -> None:
    """Stop exporting ``client`` through the default registry's collector."""
    with _default_lock:
        if _default is not None:
            _default.remove(client)
