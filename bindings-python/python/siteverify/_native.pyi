"""Type stubs of the native module ``siteverify._native`` (pyo3). Import ``siteverify`` instead."""

import asyncio
import os
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union, final

from typing_extensions import Literal, Self, TypeAlias, deprecated, disjoint_base

__all__ = [
    "_ClientCore",
    "Outcome",
    "Stats",
    "Histogram",
    "LATENCY_BUCKETS",
    "_MockServer",
    "_testing_arm_injected_panic",
    "_TESTING_PANIC_TOKEN",
    "__version__",
    "REASONS",
    "PROVIDERS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_ATTEMPT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_BASE_DELAY",
    "DEFAULT_RETRY_MAX_DELAY",
]

__version__: str

# BEGIN GENERATED reasons (siteverify-vocab; edit core/, then `make vocab`)
_ReasonCode: TypeAlias = Literal[
    "verified",
    "token-invalid",
    "token-expired-or-duplicate",
    "hostname-mismatch",
    "action-mismatch",
    "score-above-threshold",
    "score-missing",
    "challenge-too-old",
    "provider-fail-open",
    "provider-unavailable",
    "provider-rejected-request",
    "protocol-error",
    "ambiguous-retry",
    "tls-failure",
]
# END GENERATED reasons

REASONS: Tuple[_ReasonCode, ...]
"""Every reason code, in the core's declaration order."""

# The core's provider names (``siteverify::Provider::as_str``); ``provider=``
# also takes the aliases ``"procaptcha"`` and ``"gkcaptcha"``, and any case.
_ProviderName: TypeAlias = Literal[
    "prosopo",
    "gatekeeper",
    "turnstile",
    "hcaptcha",
    "recaptcha",
    "recaptcha-enterprise",
    "friendly",
    "yandex",
]

PROVIDERS: Tuple[_ProviderName, ...]
"""Every provider name the core knows, in its declaration order (what ``Client.provider`` returns)."""

LATENCY_BUCKETS: Tuple[float, ...]
"""Upper bounds (seconds) of the latency histograms' buckets; a last bucket, ``math.inf``, counts the rest."""

DEFAULT_TIMEOUT: float
"""Default total deadline of one verification, in seconds (10.0)."""
DEFAULT_CONNECT_TIMEOUT: float
"""Default TCP+TLS connect timeout, in seconds (3.0)."""
DEFAULT_ATTEMPT_TIMEOUT: float
"""Default timeout of one HTTP attempt, in seconds (6.0)."""
DEFAULT_MAX_RETRIES: int
"""Default retries after the first attempt (2)."""
DEFAULT_RETRY_BASE_DELAY: float
"""Default first backoff ceiling, in seconds (0.2)."""
DEFAULT_RETRY_MAX_DELAY: float
"""Default backoff cap, in seconds (2.0)."""

# Testing only, not API: while armed, verifying _TESTING_PANIC_TOKEN panics
# inside the verification (process-wide).
_TESTING_PANIC_TOKEN: str

def _testing_arm_injected_panic(armed: bool) -> None: ...

_OutcomeDict: TypeAlias = Dict[str, Union[bool, str, float, int, None, List[str]]]

@final
class Outcome:
    """The result of one verification. Immutable; act on ``accepted`` only.

    Using an Outcome as a truth value (``if outcome:``) raises
    ``TypeError``: test ``outcome.accepted``.
    """

    @property
    def accepted(self) -> bool:
        """Let the request through? The only field to branch on."""
    @property
    def verified(self) -> bool:
        """The provider said yes and every local check passed."""
    @property
    def conclusive(self) -> bool:
        """A definitive answer was given; when False, ``accepted`` came from the fail mode."""
    @property
    def reason(self) -> _ReasonCode:
        """Why, as a stable kebab-case code (one of ``REASONS``)."""
    @property
    def score(self) -> Optional[float]:
        """Risk score, 0 = human, 1 = bot; None when the provider sent none."""
    @property
    def hostname(self) -> Optional[str]:
        """Hostname where the challenge was solved, as the provider reported it."""
    @property
    def action(self) -> Optional[str]:
        """Action name, as the provider reported it."""
    @property
    def challenge_ts(self) -> Optional[str]:
        """When the challenge was solved (RFC 3339, as the provider sent it)."""
    @property
    def timestamp(self) -> Optional[str]:
        """When the provider verified the token (RFC 3339, as the provider sent it)."""
    @property
    def error_key(self) -> Optional[str]:
        """The provider's machine-readable error key (Prosopo ``error.key``, Friendly ``error.error_code``,
        reCAPTCHA Enterprise ``invalidReason`` or error ``status``, Yandex ``message``)."""
    @property
    def error_codes(self) -> Tuple[str, ...]:
        """The provider's error codes (GateKeeper ``error_codes``, Turnstile/hCaptcha/reCAPTCHA ``error-codes``,
        reCAPTCHA Enterprise error ``details[].reason``)."""
    @property
    def provider_reason(self) -> Optional[str]:
        """The provider's own free-text ``reason`` field, if any."""
    @property
    def http_status(self) -> Optional[int]:
        """HTTP status of the last provider answer; None when no answer came."""
    @property
    def retryable(self) -> bool:
        """A later retry of the same verification could succeed."""
    @property
    def attempts(self) -> int:
        """HTTP attempts made (0 when the token was rejected locally)."""
    @property
    def fail_open_suspected(self) -> bool:
        """The answer looks like the provider's fail-open response."""
    @property
    def detail(self) -> Optional[str]:
        """A short explanation written by siteverify (never the secret)."""
    def to_dict(self) -> _OutcomeDict:
        """Every field as a new JSON-ready dict, keyed by the core's snake_case names."""
    def to_json(self) -> str:
        """The outcome as one line of JSON, exactly as the Rust core serialises it."""
    def __eq__(self, other: object, /) -> bool: ...
    def __bool__(self) -> bool:
        """Always raises ``TypeError``: test ``outcome.accepted``."""

@final
class Stats:
    """A point-in-time copy of a client's counters. Immutable."""

    @property
    def verifications(self) -> int:
        """Verifications that produced an outcome."""
    @property
    def accepted(self) -> int:
        """Outcomes with ``accepted`` true."""
    @property
    def not_accepted(self) -> int:
        """Outcomes with ``accepted`` false: definite rejections and inconclusive outcomes alike."""
    @property
    @deprecated("Stats.rejected is deprecated: read Stats.not_accepted (the same count)")
    def rejected(self) -> int:
        """Deprecated alias of ``not_accepted``; reading it warns with ``DeprecationWarning``."""
    @property
    def inconclusive(self) -> int:
        """Outcomes with ``conclusive`` false."""
    @property
    def fail_open_suspected(self) -> int:
        """Outcomes with ``fail_open_suspected`` true."""
    @property
    def retries(self) -> int:
        """HTTP attempts beyond the first."""
    @property
    def errors(self) -> int:
        """Calls that raised instead of returning an outcome."""
    @property
    def outage_accepted(self) -> int:
        """Inconclusive outcomes ``fail_mode="open"`` accepted during a confirmed outage."""
    @property
    def outage_refused(self) -> int:
        """Inconclusive outcomes ``fail_mode="open"`` did not accept: no outage was confirmed."""
    @property
    def outage_probes(self) -> int:
        """Outage probes sent by this client."""
    @property
    def provider_health(self) -> Literal["up", "down", "unknown"]:
        """The provider's health as the outage check sees it now."""
    @property
    def verification_seconds(self) -> Histogram:
        """Time from the call to the verdict, per verification (retries and outage check included)."""
    @property
    def round_trip_seconds(self) -> Histogram:
        """Time of each HTTP attempt that got an answer: the provider's own latency."""
    @property
    def by_attempts(self) -> Dict[int, int]:
        """Verifications per number of HTTP attempts (``0``: local rejections)."""
    @property
    def by_reason(self) -> Dict[str, int]:
        """Outcomes per reason code (codes never seen are absent)."""
    @property
    def by_error_key(self) -> Dict[str, int]:
        """Provider error keys and codes seen."""
    def to_dict(self) -> Dict[str, Any]:
        """Every counter as a new dict, keyed by the core's snake_case names (the core's JSON)."""
    def to_json(self) -> str:
        """The counters as one line of JSON, as the Rust core serialises them."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Histogram:
    """A latency histogram, Prometheus-style: cumulative buckets over ``LATENCY_BUCKETS``. Immutable."""

    @property
    def buckets(self) -> List[Tuple[float, int]]:
        """``(upper bound in seconds, observations at or below it)``, cumulative; the last bound is ``math.inf``."""
    @property
    def count(self) -> int:
        """Observations."""
    @property
    def sum_seconds(self) -> float:
        """Their sum, in seconds."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class _MockServer:
    """The mock provider in-process; use ``siteverify.testing.MockProvider``."""

    def __new__(cls, secrets: List[str], tls: bool = False, wrong_hostname: bool = False) -> Self: ...
    @property
    def url(self) -> str: ...
    @property
    def ca_pem(self) -> Optional[str]: ...
    @property
    def running(self) -> bool: ...
    def endpoint(self, provider: str) -> str: ...
    def stats(self) -> Dict[str, int]: ...
    def close(self) -> None: ...

_Seconds: TypeAlias = float
_StrOrStrs: TypeAlias = Union[str, Iterable[str]]
_Pem: TypeAlias = Union[str, bytes]
_Pems: TypeAlias = Union[_Pem, Iterable[_Pem]]
_Path: TypeAlias = Union[str, "os.PathLike[str]"]
_Paths: TypeAlias = Union[_Path, Iterable[_Path]]

@disjoint_base
class _ClientCore:
    """The native part shared by ``Client`` and ``AsyncClient``."""

    def __new__(
        cls,
        *,
        provider: str,
        # BEGIN GENERATED options (siteverify-vocab; edit core/, then `make vocab`)
        secret: str,
        site_key: Optional[str] = None,
        project_id: Optional[str] = None,
        endpoint: Optional[str] = None,
        region: Optional[str] = None,
        timeout: Optional[_Seconds] = None,
        connect_timeout: Optional[_Seconds] = None,
        attempt_timeout: Optional[_Seconds] = None,
        max_retries: Optional[int] = None,
        retry_base_delay: Optional[_Seconds] = None,
        retry_max_delay: Optional[_Seconds] = None,
        expected_hostnames: Optional[_StrOrStrs] = None,
        expected_actions: Optional[_StrOrStrs] = None,
        score_threshold: Optional[float] = None,
        max_age: Optional[_Seconds] = None,
        fail_mode: Optional[str] = None,
        on_fail_open: Optional[str] = None,
        proxy: Optional[str] = None,
        ca_pems: Optional[_Pems] = None,
        ca_files: Optional[_Paths] = None,
        allow_http: Optional[bool] = None,
        # END GENERATED options
    ) -> Self: ...
    @property
    def provider(self) -> _ProviderName:
        """The provider this client verifies against, by its core name (one of ``PROVIDERS``)."""
    @property
    def endpoint(self) -> str:
        """The verify URL in use."""
    def stats(self) -> Stats:
        """A snapshot of this client's counters."""
    def _verdicts(self) -> Tuple[List[Tuple[_ReasonCode, bool, int]], Tuple[Histogram, Histogram]]:
        """For ``siteverify.prometheus``: (reason, accepted, count) seen, and durations (not accepted, accepted)."""
    def _verify(
        self, token: Optional[str], remote_ip: Optional[str] = None, email: Optional[str] = None
    ) -> Outcome: ...
    def _verify_future(
        self, token: Optional[str], remote_ip: Optional[str] = None, email: Optional[str] = None
    ) -> "asyncio.Future[Outcome]": ...
    def _verify_start(
        self, token: Optional[str], remote_ip: Optional[str] = None, email: Optional[str] = None
    ) -> "Tuple[asyncio.Future[Outcome], Callable[[], None]]": ...
