//! [`ClientBuilder`]: every option, validated once at construction.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use url::{Host, Url};

use crate::client::{Client, Inner};
use crate::error::{Error, Result};
use crate::event::EventHook;
use crate::policy::{normalize_hostname, FailMode, FailOpenPolicy, Policy};
use crate::provider::{Credentials, Extras, Need, Provider};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::stats::Stats;
use crate::transport::{HttpSettings, Plan, Transport};

/// Default total deadline: the GateKeeper document recommends 10 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default TCP+TLS connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Default per-attempt timeout: above Prosopo's own 5 s upstream timeout, so
/// a slow-but-working answer is not cut off, while leaving room for one retry.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(6);
/// Default retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first backoff ceiling; doubles per retry.
pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(200);
/// Default backoff cap.
pub const DEFAULT_RETRY_MAX_DELAY: Duration = Duration::from_secs(2);

const MAX_TIMEOUT: Duration = Duration::from_secs(300);
const MAX_RETRIES: u32 = 10;

/// Builds a [`Client`]. Every setter is optional except [`secret`](Self::secret).
///
/// ```no_run
/// use siteverify::{Client, Provider};
/// let client = Client::builder(Provider::Prosopo)
///     .secret(std::env::var("PROSOPO_SECRET").unwrap())
///     .score_threshold(0.5)
///     .build()?;
/// # Ok::<(), siteverify::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    provider: Provider,
    secret: Option<Secret>,
    site_key: Option<String>,
    project_id: Option<String>,
    endpoint: Option<String>,
    region: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    max_retries: u32,
    retry_base_delay: Duration,
    retry_max_delay: Duration,
    expected_hostnames: Vec<String>,
    expected_actions: Vec<String>,
    score_threshold: Option<f64>,
    max_age: Option<Duration>,
    fail_mode: FailMode,
    on_fail_open: Option<FailOpenPolicy>,
    proxy: Option<String>,
    ca_pems: Vec<Vec<u8>>,
    ca_files: Vec<PathBuf>,
    allow_http: bool,
    on_event: Option<EventHook>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("provider", &self.provider)
            .field("secret", &self.secret)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("timeout", &self.timeout)
            .field("fail_mode", &self.fail_mode)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the defaults for `provider`.
    pub fn new(provider: Provider) -> Self {
        ClientBuilder {
            provider,
            secret: None,
            site_key: None,
            project_id: None,
            endpoint: None,
            region: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: None,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_base_delay: DEFAULT_RETRY_BASE_DELAY,
            retry_max_delay: DEFAULT_RETRY_MAX_DELAY,
            expected_hostnames: Vec::new(),
            expected_actions: Vec::new(),
            score_threshold: None,
            max_age: None,
            fail_mode: FailMode::Closed,
            on_fail_open: None,
            proxy: None,
            ca_pems: Vec::new(),
            ca_files: Vec::new(),
            allow_http: false,
            on_event: None,
        }
    }

    /// The secret key (required).
    pub fn secret(&mut self, secret: impl Into<String>) -> &mut Self {
        self.secret = Some(Secret::new(secret));
        self
    }
    /// The site key the tokens must belong to: hCaptcha and Friendly Captcha
    /// `sitekey` (optional there, and recommended: a token from another of
    /// your sites is then refused), reCAPTCHA Enterprise `siteKey` (required).
    /// Refused at build for providers that take none.
    pub fn site_key(&mut self, site_key: impl Into<String>) -> &mut Self {
        self.site_key = Some(site_key.into());
        self
    }
    /// The Google Cloud project (reCAPTCHA Enterprise only; required there).
    pub fn project_id(&mut self, project_id: impl Into<String>) -> &mut Self {
        self.project_id = Some(project_id.into());
        self
    }
    /// A custom verify URL (full URL, path included). Excludes [`region`](Self::region).
    pub fn endpoint(&mut self, url: impl Into<String>) -> &mut Self {
        self.endpoint = Some(url.into());
        self
    }
    /// A regional endpoint: Prosopo `"eu"`, `"us"` or `"global"`; Friendly `"eu"` or `"global"`.
    pub fn region(&mut self, region: impl Into<String>) -> &mut Self {
        self.region = Some(region.into());
        self
    }
    /// Total deadline for one verification, retries included (default 10 s).
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }
    /// TCP+TLS connect timeout (default 3 s).
    pub fn connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.connect_timeout = timeout;
        self
    }
    /// Timeout of a single attempt (default 6 s, capped by the total deadline).
    pub fn attempt_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.attempt_timeout = Some(timeout);
        self
    }
    /// Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (default 2).
    pub fn max_retries(&mut self, retries: u32) -> &mut Self {
        self.max_retries = retries;
        self
    }
    /// Backoff: first ceiling and cap (defaults 200 ms and 2 s; full jitter).
    pub fn retry_backoff(&mut self, base: Duration, max: Duration) -> &mut Self {
        self.retry_base_delay = base;
        self.retry_max_delay = max;
        self
    }
    /// Backoff ceiling of the first retry (default 200 ms; doubles per retry).
    pub fn retry_base_delay(&mut self, base: Duration) -> &mut Self {
        self.retry_base_delay = base;
        self
    }
    /// Backoff cap (default 2 s).
    pub fn retry_max_delay(&mut self, max: Duration) -> &mut Self {
        self.retry_max_delay = max;
        self
    }
    /// Adds an accepted hostname (exact, case-insensitive). Any one of them passes.
    pub fn expected_hostname(&mut self, hostname: impl Into<String>) -> &mut Self {
        self.expected_hostnames.push(hostname.into());
        self
    }
    /// Adds an accepted action (exact, case-sensitive). Any one of them passes.
    pub fn expected_action(&mut self, action: impl Into<String>) -> &mut Self {
        self.expected_actions.push(action.into());
        self
    }
    /// Rejects when the score is above `threshold` (0 = human, 1 = bot), or missing.
    pub fn score_threshold(&mut self, threshold: f64) -> &mut Self {
        self.score_threshold = Some(threshold);
        self
    }
    /// Rejects challenges solved longer ago than `max_age`.
    pub fn max_age(&mut self, max_age: Duration) -> &mut Self {
        self.max_age = Some(max_age);
        self
    }
    /// What inconclusive outcomes become (default [`FailMode::Closed`]).
    pub fn fail_mode(&mut self, mode: FailMode) -> &mut Self {
        self.fail_mode = mode;
        self
    }
    /// What a suspected provider fail-open counts as. Unset, it follows the
    /// fail mode: rejected under `closed`, accepted and flagged under `open`.
    pub fn on_fail_open(&mut self, policy: FailOpenPolicy) -> &mut Self {
        self.on_fail_open = Some(policy);
        self
    }
    /// An explicit proxy URL (`http://`, `https://` or `socks5://`). Without
    /// it, `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment apply.
    /// Refused at build with a plain-HTTP endpoint, to which environment
    /// proxies never apply either: the proxy would see the secret.
    pub fn proxy(&mut self, url: impl Into<String>) -> &mut Self {
        self.proxy = Some(url.into());
        self
    }
    /// Trusts the CA certificates in this PEM text, in addition to the default
    /// roots: the system trust store (`SSL_CERT_FILE`/`SSL_CERT_DIR` honoured),
    /// or the bundled Mozilla roots if that store is empty or unreadable.
    pub fn ca_pem(&mut self, pem: impl Into<Vec<u8>>) -> &mut Self {
        self.ca_pems.push(pem.into());
        self
    }
    /// Trusts the CA certificates in this PEM file, read at build time, in
    /// addition to the default roots (see [`ClientBuilder::ca_pem`]).
    pub fn ca_file(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.ca_files.push(path.into());
        self
    }
    /// Allows a plain-HTTP endpoint that is not loopback. The secret then
    /// travels in the clear: only for a trusted private network.
    pub fn allow_http(&mut self, allow: bool) -> &mut Self {
        self.allow_http = allow;
        self
    }

    /// Calls `hook` after every verification with a [`VerificationEvent`]
    /// (never the token or the secret). See [`EventHook`].
    ///
    /// [`VerificationEvent`]: crate::VerificationEvent
    pub fn on_event(&mut self, hook: impl Fn(&crate::VerificationEvent<'_>) + Send + Sync + 'static) -> &mut Self {
        self.on_event = Some(std::sync::Arc::new(hook));
        self
    }

    /// Removes the event hook.
    pub fn clear_on_event(&mut self) -> &mut Self {
        self.on_event = None;
        self
    }

    /// A stable hash of every option, with the secret only as its own hash.
    /// Two builders with equal keys build interchangeable clients, so a cache
    /// (e.g. per php-fpm worker) can share one client and its connections.
    pub fn cache_key(&self) -> String {
        // Destructured without `..`: a new field that is not added here fails
        // to compile, so a cache can never hand out a client built with other options.
        let ClientBuilder {
            provider,
            secret,
            site_key,
            project_id,
            endpoint,
            region,
            timeout,
            connect_timeout,
            attempt_timeout,
            max_retries,
            retry_base_delay,
            retry_max_delay,
            expected_hostnames,
            expected_actions,
            score_threshold,
            max_age,
            fail_mode,
            on_fail_open,
            proxy,
            ca_pems,
            ca_files,
            allow_http,
            on_event,
        } = self;
        // A hook is code: builders share a client only with the very same hook.
        let hook = on_event
            .as_ref()
            .map(|h| std::sync::Arc::as_ptr(h) as *const () as usize);
        let canonical = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
            provider,
            secret.as_ref().map(Secret::fingerprint),
            site_key,
            project_id,
            endpoint,
            region,
            timeout,
            connect_timeout,
            attempt_timeout,
            max_retries,
            retry_base_delay,
            retry_max_delay,
            expected_hostnames,
            expected_actions,
            score_threshold.map(f64::to_bits),
            max_age,
            fail_mode,
            on_fail_open,
            proxy.as_deref().map(|p| Secret::new(p).fingerprint()),
            ca_pems.iter().map(|p| Sha256::digest(p).to_vec()).collect::<Vec<_>>(),
            ca_files,
            allow_http,
            hook,
        );
        Sha256::digest(canonical.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Validates every option and builds the client.
    pub fn build(&self) -> Result<Client> {
        let protocol = self.provider.protocol();
        let secret = self.secret.clone().ok_or_else(|| Error::config("secret is required"))?;
        if secret.is_empty() {
            return Err(Error::config("secret is empty"));
        }
        if secret.has_control_chars() {
            return Err(Error::config("secret contains control characters"));
        }
        let caps = protocol.capabilities();
        let creds = Credentials {
            secret,
            site_key: check_key("site_key", &self.site_key, caps.site_key, protocol.name())?,
            project_id: check_key("project_id", &self.project_id, caps.project_id, protocol.name())?,
        };
        if let Some(project) = &creds.project_id {
            crate::provider::check_project_id(project)?;
        }
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(_), Some(_)) => return Err(Error::config("set endpoint or region, not both")),
            (Some(url), None) => url.clone(),
            (None, region) => protocol.endpoint(region.as_deref(), &creds)?,
        };
        let endpoint = check_endpoint(&endpoint, self.allow_http)?;
        let plain_http = endpoint.scheme() == "http";

        check_duration("timeout", self.timeout)?;
        check_duration("connect_timeout", self.connect_timeout)?;
        let attempt_timeout = self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT);
        check_duration("attempt_timeout", attempt_timeout)?;
        if self.max_retries > MAX_RETRIES {
            return Err(Error::config(format!("max_retries is above {MAX_RETRIES}")));
        }
        if self.retry_base_delay.is_zero() || self.retry_max_delay < self.retry_base_delay {
            return Err(Error::config("retry backoff needs 0 < base <= max"));
        }

        let policy = self.policy()?;
        let unsupported = |what: &str| {
            Error::config(format!(
                "{} does not report {what}, so this check would reject every user",
                protocol.name()
            ))
        };
        if !policy.expected_hostnames.is_empty() && !caps.hostname {
            return Err(unsupported("a hostname"));
        }
        if !policy.expected_actions.is_empty() && !caps.action {
            return Err(unsupported("an action"));
        }
        if policy.max_age.is_some() && !caps.challenge_ts {
            return Err(unsupported("a challenge timestamp"));
        }
        if policy.score_threshold.is_some() && !caps.score {
            return Err(unsupported("a score"));
        }

        let proxy = match &self.proxy {
            None => None,
            Some(p) => {
                // reqwest reads a bare word as a host: require the scheme, so a
                // value pasted into the wrong field is refused, not dialled.
                let scheme = p.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
                if !matches!(scheme.as_deref(), Some("http" | "https" | "socks5" | "socks5h")) {
                    return Err(Error::config(
                        "proxy URL must start with http://, https://, socks5:// or socks5h://",
                    ));
                }
                Some(reqwest::Proxy::all(p.as_str()).map_err(|_| Error::config("proxy URL is invalid"))?)
            }
        };
        if plain_http && proxy.is_some() {
            // A proxy would see the secret in the clear; refusing beats silently going direct.
            return Err(Error::config("a proxy cannot be used with a plain-HTTP endpoint"));
        }
        let mut extra_roots = Vec::new();
        let mut pems = self.ca_pems.clone();
        for path in &self.ca_files {
            let pem = std::fs::read(path)
                // The path is configuration: not echoed, like every other value.
                .map_err(|e| Error::config(format!("cannot read a CA file: {}", e.kind())))?;
            pems.push(pem);
        }
        for pem in &pems {
            let certs =
                reqwest::Certificate::from_pem_bundle(pem).map_err(|_| Error::config("extra CA is not valid PEM"))?;
            if certs.is_empty() {
                return Err(Error::config("extra CA PEM holds no certificate"));
            }
            extra_roots.extend(certs);
        }

        // A secret that cannot be put on the wire fails here, not per request.
        let sample = protocol.request(&creds, "x", &Extras::default());
        for (_, value) in sample.secret_headers.iter().chain(&sample.headers) {
            reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| Error::config("secret has characters that cannot be sent in an HTTP header"))?;
        }

        let transport = Transport::new(HttpSettings {
            connect_timeout: self.connect_timeout,
            proxy,
            extra_roots,
            plain_http,
        })?;
        let plan = Plan {
            timeout: self.timeout,
            attempt_timeout: attempt_timeout.min(self.timeout),
            retry: RetryPolicy {
                max_retries: self.max_retries,
                base_delay: self.retry_base_delay,
                max_delay: self.retry_max_delay,
            },
        };
        Ok(Client {
            inner: Arc::new(Inner {
                provider: self.provider,
                protocol,
                endpoint,
                creds,
                policy,
                plan,
                transport,
                stats: Stats::default(),
                health: Default::default(),
                on_event: self.on_event.clone(),
            }),
        })
    }

    fn policy(&self) -> Result<Policy> {
        let mut hostnames = Vec::new();
        for h in &self.expected_hostnames {
            let n = normalize_hostname(h);
            if n.is_empty() || n.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(Error::config("expected hostname is empty or has whitespace"));
            }
            hostnames.push(n);
        }
        if self.expected_actions.iter().any(|a| a.is_empty()) {
            return Err(Error::config("expected action is empty"));
        }
        if let Some(t) = self.score_threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::config(
                    "score_threshold must be within [0, 1] (0 = human, 1 = bot)",
                ));
            }
        }
        if let Some(age) = self.max_age {
            if age.is_zero() {
                return Err(Error::config("max_age must be positive"));
            }
        }
        Ok(Policy {
            expected_hostnames: hostnames,
            expected_actions: self.expected_actions.clone(),
            score_threshold: self.score_threshold,
            max_age: self.max_age,
            fail_mode: self.fail_mode,
            on_fail_open: self.on_fail_open,
        })
    }
}

/// A key the provider takes besides the secret: refused when the provider
/// takes none (a key meant for another client), required where it must be,
/// and printable ASCII without spaces (site keys and project IDs all are).
fn check_key(option: &str, value: &Option<String>, need: Need, provider: &str) -> Result<Option<String>> {
    match (value, need) {
        (Some(_), Need::Unused) => Err(Error::config(format!(
            "{provider} does not use option {option}; remove it (is it meant for another client?)"
        ))),
        (None, Need::Required) => Err(Error::config(format!("{provider} needs option {option}"))),
        (None, _) => Ok(None),
        (Some(v), _) => {
            let v = v.trim();
            if v.is_empty() || v.len() > 256 || !v.bytes().all(|c| c.is_ascii_graphic()) {
                // Not echoed: it may be a secret pasted into the wrong option.
                return Err(Error::config(format!(
                    "option {option} must be 1 to 256 printable ASCII characters without spaces"
                )));
            }
            Ok(Some(v.to_string()))
        }
    }
}

fn check_duration(name: &str, d: Duration) -> Result<()> {
    if d.is_zero() || d > MAX_TIMEOUT {
        return Err(Error::config(format!(
            "{name} must be between 1 ms and {} s",
            MAX_TIMEOUT.as_secs()
        )));
    }
    Ok(())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        // Only the exact name: glibc does not pin `*.localhost` to loopback.
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// HTTPS only, except to loopback or when plain HTTP is explicitly allowed;
/// no credentials in the URL (they would end up in logs).
fn check_endpoint(raw: &str, allow_http: bool) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|e| Error::config(format!("endpoint is not a valid URL: {e}")))?;
    if url.host().is_none() {
        return Err(Error::config("endpoint has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("endpoint must not carry credentials"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) || allow_http => {}
        "http" => {
            return Err(Error::config(
                "endpoint uses plain HTTP to a non-loopback host, which would send the secret in the clear; use https or set allow_http",
            ))
        }
        other => return Err(Error::config(format!("endpoint scheme {other:?} is not http or https"))),
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert!(check_endpoint("https://api.prosopo.io/siteverify", false).is_ok());
        assert!(check_endpoint("http://127.0.0.1:9/x", false).is_ok());
        assert!(check_endpoint("http://[::1]:9/x", false).is_ok());
        assert!(check_endpoint("http://localhost:9/x", false).is_ok());
        assert!(check_endpoint("http://verify.localhost:9/x", false).is_err());
        assert!(check_endpoint("http://example.com/x", false).is_err());
        assert!(check_endpoint("http://example.com/x", true).is_ok());
        assert!(check_endpoint("https://user:pw@example.com/x", false).is_err());
        assert!(check_endpoint("ftp://example.com/x", true).is_err());
        assert!(check_endpoint("not a url", false).is_err());
    }
}
