//! The options table: every client option declared once, with its type,
//! default and documentation, and one generic setter that validates and
//! converts what a binding passes.
//!
//! Bindings keep their native surface (Python keyword arguments, a Node
//! options object, a Go `Config`, a PHP array, a Java builder) and hand each
//! value through [`ClientBuilder::set_option`] untouched, so every binding
//! gives the same error for the same mistake. What a binding must spell out
//! again (type stubs, option tables) is generated from [`OPTIONS`] by
//! `siteverify-vocab` and drift-checked by `make test`.

use std::time::Duration;

use crate::config::ClientBuilder;
use crate::error::{Error, Result};
use crate::policy::{FailMode, FailOpenPolicy};

/// How an option's value is typed, in every binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// A string.
    Text,
    /// A list of strings; [`ClientBuilder::set_option`] adds one per call.
    TextList,
    /// `true` or `false`.
    Bool,
    /// A whole number, zero or more.
    Count,
    /// A number.
    Number,
    /// A length of time; each binding takes it in its own idiom (seconds as
    /// a float in Python, milliseconds in Node and PHP, `time.Duration` in Go,
    /// `java.time.Duration` in Java).
    Duration,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// One client option.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The core name, snake_case (bindings derive their spelling from it).
    pub name: &'static str,
    /// Its type.
    pub kind: OptionKind,
    /// The default, as documentation.
    pub default: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
}

/// A value handed to [`ClientBuilder::set_option`], as the binding's
/// language typed it. The core decides whether it fits the option.
#[derive(Clone, Copy, Debug)]
pub enum OptionValue<'a> {
    /// A string.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A duration in seconds (Python's idiom).
    Seconds(f64),
    /// A duration in milliseconds (Node's, PHP's and C's idiom).
    Millis(f64),
    /// A duration in nanoseconds (Go's `time.Duration`, Java's `Duration`).
    Nanos(i128),
}

const FAIL_MODES: &[&str] = &["closed", "open"];
const FAIL_OPEN_POLICIES: &[&str] = &["accept", "reject"];

/// Every client option but the provider, which every binding takes first.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "secret",
        kind: OptionKind::Text,
        default: "(required)",
        doc: "The secret key. Read it from the environment or a secret store, never from code.",
    },
    OptionSpec {
        name: "site_key",
        kind: OptionKind::Text,
        default: "none",
        doc: "The site key tokens must belong to: hCaptcha and Friendly (optional, recommended), reCAPTCHA Enterprise (required); refused by the other providers.",
    },
    OptionSpec {
        name: "project_id",
        kind: OptionKind::Text,
        default: "none",
        doc: "The Google Cloud project ID (reCAPTCHA Enterprise only, required).",
    },
    OptionSpec {
        name: "endpoint",
        kind: OptionKind::Text,
        default: "the provider's",
        doc: "A custom verify URL, path included (HTTPS, or plain HTTP to loopback). Excludes `region`.",
    },
    OptionSpec {
        name: "region",
        kind: OptionKind::Text,
        default: "global",
        doc: "A regional endpoint: Prosopo `eu`, `us` or `global`; Friendly `eu` or `global`.",
    },
    OptionSpec {
        name: "timeout",
        kind: OptionKind::Duration,
        default: "10 s",
        doc: "Total deadline for one verification, retries included (at most 300 s).",
    },
    OptionSpec {
        name: "connect_timeout",
        kind: OptionKind::Duration,
        default: "3 s",
        doc: "TCP and TLS connect timeout.",
    },
    OptionSpec {
        name: "attempt_timeout",
        kind: OptionKind::Duration,
        default: "6 s",
        doc: "Timeout of a single attempt, capped by the total deadline.",
    },
    OptionSpec {
        name: "max_retries",
        kind: OptionKind::Count,
        default: "2",
        doc: "Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (at most 10).",
    },
    OptionSpec {
        name: "retry_base_delay",
        kind: OptionKind::Duration,
        default: "200 ms",
        doc: "Backoff ceiling of the first retry; doubles per retry, full jitter.",
    },
    OptionSpec {
        name: "retry_max_delay",
        kind: OptionKind::Duration,
        default: "2 s",
        doc: "Backoff cap, at least `retry_base_delay`.",
    },
    OptionSpec {
        name: "expected_hostnames",
        kind: OptionKind::TextList,
        default: "none",
        doc: "Accepted hostnames (exact, case-insensitive); any one passes. Refused by a provider that reports no hostname.",
    },
    OptionSpec {
        name: "expected_actions",
        kind: OptionKind::TextList,
        default: "none",
        doc: "Accepted actions (exact, case-sensitive); any one passes. Refused by a provider that reports no action.",
    },
    OptionSpec {
        name: "score_threshold",
        kind: OptionKind::Number,
        default: "none",
        doc: "Reject scores above this (0 = human, 1 = bot); a missing score is rejected too. Refused by a provider that reports no score.",
    },
    OptionSpec {
        name: "max_age",
        kind: OptionKind::Duration,
        default: "none",
        doc: "Reject challenges solved longer ago than this. Refused by a provider that reports no timestamp.",
    },
    OptionSpec {
        name: "fail_mode",
        kind: OptionKind::Choice(FAIL_MODES),
        default: "closed",
        doc: "What an inconclusive outcome becomes; `open` accepts one only during a confirmed outage.",
    },
    OptionSpec {
        name: "on_fail_open",
        kind: OptionKind::Choice(FAIL_OPEN_POLICIES),
        default: "follows fail_mode",
        doc: "What a suspected provider fail-open counts as; unset, rejected under `closed`, accepted under `open`.",
    },
    OptionSpec {
        name: "proxy",
        kind: OptionKind::Text,
        default: "HTTPS_PROXY / ALL_PROXY / NO_PROXY",
        doc: "A proxy URL: `http://`, `https://`, `socks5://` or `socks5h://`. Refused with a plain-HTTP endpoint (the proxy would see the secret).",
    },
    OptionSpec {
        name: "ca_pems",
        kind: OptionKind::TextList,
        default: "none",
        doc: "Extra trusted CA certificates, as PEM text, besides the system store.",
    },
    OptionSpec {
        name: "ca_files",
        kind: OptionKind::TextList,
        default: "none",
        doc: "Extra trusted CA certificates, as PEM files read at build time.",
    },
    OptionSpec {
        name: "allow_http",
        kind: OptionKind::Bool,
        default: "false",
        doc: "Allow a plain-HTTP endpoint that is not loopback (the secret then travels in the clear).",
    },
];

/// The spec of option `name`, if there is one.
pub fn option_spec(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|o| o.name == name)
}

fn wrong_type(spec: &OptionSpec) -> Error {
    let want = match spec.kind {
        OptionKind::Text => "a string",
        OptionKind::TextList => "a list of strings",
        OptionKind::Bool => "a boolean",
        OptionKind::Count => "a whole number, zero or more",
        OptionKind::Number => "a number",
        OptionKind::Duration => "a duration",
        OptionKind::Choice(_) => "one of the documented words",
    };
    // The value is never echoed: a secret pasted into the wrong option must not reach a log.
    Error::config(format!("option {} must be {want}", spec.name))
}

/// A duration from any binding's idiom; negative, NaN or absurd is refused.
fn duration(spec: &OptionSpec, value: OptionValue<'_>) -> Result<Duration> {
    let secs = match value {
        OptionValue::Seconds(s) => s,
        OptionValue::Millis(ms) => ms / 1000.0,
        OptionValue::Nanos(ns) => ns as f64 / 1e9,
        _ => return Err(wrong_type(spec)),
    };
    Duration::try_from_secs_f64(secs)
        .map_err(|_| Error::config(format!("option {} must be a duration of zero or more", spec.name)))
}

fn text<'a>(spec: &OptionSpec, value: OptionValue<'a>) -> Result<&'a str> {
    match value {
        OptionValue::Text(s) => Ok(s),
        _ => Err(wrong_type(spec)),
    }
}

impl ClientBuilder {
    /// Sets option `name` (a name from [`OPTIONS`]) from a binding's value.
    /// List options add one element per call. Every mistake (an unknown name,
    /// a wrong type, a value out of range) is a `configuration` error that
    /// names the option and never echoes the value; some ranges are checked
    /// at [`build`](Self::build), as for the typed setters.
    pub fn set_option(&mut self, name: &str, value: OptionValue<'_>) -> Result<&mut Self> {
        // The name is the caller's code, not a value: echoing it helps and leaks nothing.
        let spec = option_spec(name).ok_or_else(|| Error::config(format!("unknown option {name:?}")))?;
        match spec.name {
            "secret" => self.secret(text(spec, value)?),
            "site_key" => self.site_key(text(spec, value)?),
            "project_id" => self.project_id(text(spec, value)?),
            "endpoint" => self.endpoint(text(spec, value)?),
            "region" => self.region(text(spec, value)?),
            "timeout" => self.timeout(duration(spec, value)?),
            "connect_timeout" => self.connect_timeout(duration(spec, value)?),
            "attempt_timeout" => self.attempt_timeout(duration(spec, value)?),
            "max_retries" => {
                let n = match value {
                    OptionValue::Int(n) => u32::try_from(n).ok(),
                    OptionValue::Float(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => {
                        Some(f as u32)
                    }
                    _ => None,
                };
                self.max_retries(n.ok_or_else(|| wrong_type(spec))?)
            }
            "retry_base_delay" => self.retry_base_delay(duration(spec, value)?),
            "retry_max_delay" => self.retry_max_delay(duration(spec, value)?),
            "expected_hostnames" => self.expected_hostname(text(spec, value)?),
            "expected_actions" => self.expected_action(text(spec, value)?),
            "score_threshold" => match value {
                OptionValue::Float(f) => self.score_threshold(f),
                OptionValue::Int(n) => self.score_threshold(n as f64),
                _ => return Err(wrong_type(spec)),
            },
            "max_age" => self.max_age(duration(spec, value)?),
            "fail_mode" => self.fail_mode(text(spec, value)?.parse::<FailMode>()?),
            "on_fail_open" => self.on_fail_open(text(spec, value)?.parse::<FailOpenPolicy>()?),
            "proxy" => self.proxy(text(spec, value)?),
            "ca_pems" => self.ca_pem(text(spec, value)?),
            "ca_files" => self.ca_file(text(spec, value)?),
            "allow_http" => match value {
                OptionValue::Bool(b) => self.allow_http(b),
                _ => return Err(wrong_type(spec)),
            },
            other => unreachable!("option {other} is declared but has no setter"),
        };
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::provider::Provider;

    #[test]
    fn every_declared_option_has_a_setter() {
        for spec in OPTIONS {
            let value = match spec.kind {
                OptionKind::Text | OptionKind::TextList => OptionValue::Text("x"),
                OptionKind::Bool => OptionValue::Bool(true),
                OptionKind::Count => OptionValue::Int(1),
                OptionKind::Number => OptionValue::Float(0.5),
                OptionKind::Duration => OptionValue::Millis(1000.0),
                OptionKind::Choice(words) => OptionValue::Text(words[0]),
            };
            Client::builder(Provider::Prosopo).set_option(spec.name, value).unwrap();
        }
    }

    #[test]
    fn mistakes_are_configuration_errors_that_never_echo_the_value() {
        let secret = "sk_live_0123456789";
        let mut b = Client::builder(Provider::Prosopo);
        for (name, value) in [
            ("timeout", OptionValue::Millis(-1.0)),
            ("timeout", OptionValue::Seconds(f64::NAN)),
            ("timeout", OptionValue::Text(secret)),
            ("max_retries", OptionValue::Int(-1)),
            ("max_retries", OptionValue::Float(1.5)),
            ("allow_http", OptionValue::Text(secret)),
            ("fail_mode", OptionValue::Text(secret)),
            ("on_fail_open", OptionValue::Text(secret)),
            ("secret", OptionValue::Int(3)),
            ("no_such_option", OptionValue::Bool(true)),
        ] {
            let err = b.set_option(name, value).unwrap_err();
            assert_eq!(err.code(), ErrorCode::Configuration, "{name}");
            assert!(!err.to_string().contains(secret), "{err}");
        }
    }

    use crate::client::Client;
}
