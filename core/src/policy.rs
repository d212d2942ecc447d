//! Turns a provider answer into an [`Outcome`]: local checks, fail mode and
//! fail-open policy. This is the only place a verdict is decided.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::health::Outage;
use crate::outcome::{Outcome, Reason};
use crate::provider::{Answer, Verdict};

/// What happens when nobody can tell whether the user passed (provider down,
/// provider refused our request, unreadable answer, ambiguous retry). A TLS
/// failure is never accepted, whatever the mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FailMode {
    /// Not accepted. The safe default for login and signup forms.
    #[default]
    Closed,
    /// Accepted, with `conclusive == false` so the application can flag it,
    /// but only during a confirmed outage: when the token never left the
    /// machine (the provider was unreachable), or when siteverify's own probe
    /// fails too. A failure while the provider answers other tokens may come
    /// from the token itself and is not accepted (see the README's fail-open
    /// section).
    Open,
}

impl std::str::FromStr for FailMode {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "closed" => Ok(FailMode::Closed),
            "open" => Ok(FailMode::Open),
            _ => Err(crate::Error::config("option fail_mode must be \"closed\" or \"open\"")),
        }
    }
}

/// What a suspected provider fail-open answer (Prosopo's
/// `{verified:true, score:0}` after its own timeout) counts as. Unset, it
/// follows the fail mode: rejected under `closed`, accepted under `open`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailOpenPolicy {
    /// Accepted, flagged with `reason = provider-fail-open`, never `verified`.
    Accept,
    /// Not accepted.
    Reject,
}

impl std::str::FromStr for FailOpenPolicy {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "accept" => Ok(FailOpenPolicy::Accept),
            "reject" => Ok(FailOpenPolicy::Reject),
            _ => Err(crate::Error::config("option on_fail_open must be \"accept\" or \"reject\"")),
        }
    }
}

/// Per-client verdict rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Policy {
    /// Lower-cased, without a trailing dot.
    pub expected_hostnames: Vec<String>,
    pub expected_actions: Vec<String>,
    pub score_threshold: Option<f64>,
    pub max_age: Option<Duration>,
    pub fail_mode: FailMode,
    /// `None`: follow the fail mode.
    pub on_fail_open: Option<FailOpenPolicy>,
}

/// The last answer of a verification, with what the transport knows about it.
pub(crate) struct Finished {
    pub answer: Answer,
    pub http_status: Option<u16>,
    pub attempts: u32,
    /// An earlier attempt may have reached the provider and used the token.
    pub earlier_attempt_may_have_landed: bool,
    /// Some attempt may have carried the token to the provider (false when
    /// every attempt failed to connect, or the token was refused locally).
    pub token_sent: bool,
    /// How long each attempt that got an answer took.
    pub round_trips: Vec<std::time::Duration>,
}

pub(crate) fn normalize_hostname(h: &str) -> String {
    h.trim().trim_end_matches('.').to_ascii_lowercase()
}

impl Policy {
    /// True when `finished` is an outcome the fail mode decides, for which
    /// `fail_mode=open` needs the outage check.
    pub(crate) fn needs_outage_check(&self, finished: &Finished) -> bool {
        self.fail_mode == FailMode::Open
            && match finished.answer.verdict {
                Verdict::Transient | Verdict::Protocol | Verdict::RequestRefused => true,
                Verdict::Rejected(Reason::TokenExpiredOrDuplicate) => finished.earlier_attempt_may_have_landed,
                _ => false,
            }
    }

    /// The verdict. `outage` is the outage check's answer when
    /// [`needs_outage_check`](Self::needs_outage_check) asked for one.
    pub(crate) fn decide(&self, finished: Finished, outage: Option<Outage>) -> Outcome {
        let Finished {
            answer,
            http_status,
            attempts,
            earlier_attempt_may_have_landed,
            token_sent: _,
            round_trips: _,
        } = finished;
        let mut outcome = Outcome {
            accepted: false,
            verified: false,
            conclusive: true,
            reason: Reason::TokenInvalid,
            score: answer.score,
            hostname: answer.hostname.clone(),
            action: answer.action.clone(),
            challenge_ts: answer.challenge_ts.clone(),
            timestamp: answer.timestamp.clone(),
            error_key: answer.error_key.clone(),
            error_codes: answer.error_codes.clone(),
            provider_reason: answer.provider_reason.clone(),
            http_status,
            retryable: false,
            attempts,
            fail_open_suspected: false,
            detail: answer.detail.clone(),
        };
        match answer.verdict {
            Verdict::Verified => match self.local_check(&answer) {
                None => {
                    outcome.accepted = true;
                    outcome.verified = true;
                    outcome.reason = Reason::Verified;
                    outcome.detail = None;
                }
                Some((reason, detail)) => {
                    outcome.reason = reason;
                    outcome.detail = Some(detail);
                }
            },
            Verdict::FailOpen => {
                outcome.fail_open_suspected = true;
                outcome.conclusive = false;
                outcome.reason = Reason::ProviderFailOpen;
                outcome.accepted = self.fail_open_policy() == FailOpenPolicy::Accept;
                outcome.detail = Some("provider answered with its fail-open shape (verified with score 0)".into());
            }
            Verdict::Rejected(Reason::TokenExpiredOrDuplicate) if earlier_attempt_may_have_landed => {
                outcome.detail =
                    Some("a retry was told the token was already used, but an earlier attempt may have used it".into());
                self.inconclusive(&mut outcome, Reason::AmbiguousRetry, outage);
            }
            Verdict::Rejected(reason) => outcome.reason = reason,
            Verdict::RequestRefused => self.inconclusive(&mut outcome, Reason::ProviderRejectedRequest, outage),
            Verdict::Transient => {
                self.inconclusive(&mut outcome, Reason::ProviderUnavailable, outage);
                outcome.retryable = true;
            }
            Verdict::Protocol => self.inconclusive(&mut outcome, Reason::ProtocolError, outage),
            // Whoever can intercept the connection could otherwise open every form.
            Verdict::TlsFailure => {
                outcome.conclusive = false;
                outcome.reason = Reason::TlsFailure;
            }
        }
        outcome
    }

    /// What a suspected provider fail-open counts as: `on_fail_open` if set,
    /// else the fail mode (nobody could decide, and `closed` accepts no such thing).
    pub(crate) fn fail_open_policy(&self) -> FailOpenPolicy {
        self.on_fail_open.unwrap_or(match self.fail_mode {
            FailMode::Closed => FailOpenPolicy::Reject,
            FailMode::Open => FailOpenPolicy::Accept,
        })
    }

    /// Nobody could tell: `fail_mode=open` accepts only a confirmed outage.
    fn inconclusive(&self, outcome: &mut Outcome, reason: Reason, outage: Option<Outage>) {
        outcome.conclusive = false;
        outcome.reason = reason;
        if self.fail_mode == FailMode::Closed {
            return;
        }
        let outage = outage.unwrap_or(Outage::Unknown);
        outcome.accepted = outage.confirmed();
        let why = match outage {
            Outage::Unreachable => "accepted by fail_mode=open: the provider could not be reached, so the token was never sent",
            Outage::Confirmed => "accepted by fail_mode=open: the provider is failing for every token (outage probe)",
            Outage::Refuted => "not accepted by fail_mode=open: the provider answers other tokens, so this failure may come from the token",
            Outage::Unknown => "not accepted by fail_mode=open: no outage could be confirmed in time",
        };
        outcome.detail = Some(match outcome.detail.take() {
            Some(d) => format!("{d}; {why}"),
            None => why.to_string(),
        });
    }

    /// The first local check a provider-verified answer fails, if any.
    fn local_check(&self, answer: &Answer) -> Option<(Reason, String)> {
        if !self.expected_hostnames.is_empty() {
            let got = answer.hostname.as_deref().map(normalize_hostname);
            if !got.is_some_and(|h| self.expected_hostnames.contains(&h)) {
                return Some((
                    Reason::HostnameMismatch,
                    "hostname is not one of the expected hostnames".into(),
                ));
            }
        }
        if !self.expected_actions.is_empty() {
            let got = answer.action.as_deref();
            if !got.is_some_and(|a| self.expected_actions.iter().any(|e| e == a)) {
                return Some((
                    Reason::ActionMismatch,
                    "action is not one of the expected actions".into(),
                ));
            }
        }
        if let Some(threshold) = self.score_threshold {
            match answer.score {
                None => {
                    return Some((
                        Reason::ScoreMissing,
                        "a score threshold is set but no score came back".into(),
                    ))
                }
                Some(score) if score > threshold => {
                    return Some((
                        Reason::ScoreAboveThreshold,
                        format!("score {score} is above the threshold {threshold}"),
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(max_age) = self.max_age {
            let solved = answer
                .challenge_ts
                .as_deref()
                .and_then(|ts| OffsetDateTime::parse(ts, &Rfc3339).ok());
            let Some(solved) = solved else {
                return Some((
                    Reason::ChallengeTooOld,
                    "no usable challenge_ts to check the maximum age against".into(),
                ));
            };
            let age = OffsetDateTime::now_utc() - solved;
            if age > max_age {
                return Some((
                    Reason::ChallengeTooOld,
                    format!(
                        "challenge solved {}s ago; the maximum is {}s",
                        age.whole_seconds(),
                        max_age.as_secs()
                    ),
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(answer: Answer) -> Finished {
        Finished {
            answer,
            http_status: Some(200),
            attempts: 1,
            earlier_attempt_may_have_landed: false,
            token_sent: true,
            round_trips: Vec::new(),
        }
    }

    fn verified(score: Option<f64>) -> Answer {
        let mut a = Answer::new(Verdict::Verified);
        a.score = score;
        a
    }

    #[test]
    fn threshold_needs_a_score() {
        let p = Policy {
            score_threshold: Some(0.5),
            ..Policy::default()
        };
        assert_eq!(p.decide(finished(verified(None)), None).reason, Reason::ScoreMissing);
        assert_eq!(
            p.decide(finished(verified(Some(0.51))), None).reason,
            Reason::ScoreAboveThreshold
        );
        let ok = p.decide(finished(verified(Some(0.5))), None);
        assert!(ok.accepted && ok.verified && ok.conclusive);
    }

    #[test]
    fn hostnames_match_case_insensitively() {
        let p = Policy {
            expected_hostnames: vec!["example.com".into()],
            ..Policy::default()
        };
        let mut a = verified(None);
        a.hostname = Some("EXAMPLE.com.".into());
        assert!(p.decide(finished(a.clone()), None).accepted);
        a.hostname = Some("example.com.evil.net".into());
        assert_eq!(p.decide(finished(a.clone()), None).reason, Reason::HostnameMismatch);
        a.hostname = None;
        assert_eq!(p.decide(finished(a), None).reason, Reason::HostnameMismatch);
    }

    fn open() -> Policy {
        Policy {
            fail_mode: FailMode::Open,
            ..Policy::default()
        }
    }

    #[test]
    fn open_accepts_only_a_confirmed_outage() {
        let down = || finished(Answer::new(Verdict::Transient));
        for (outage, accepted) in [
            (Outage::Unreachable, true),
            (Outage::Confirmed, true),
            (Outage::Refuted, false),
            (Outage::Unknown, false),
        ] {
            let o = open().decide(down(), Some(outage));
            assert_eq!(o.accepted, accepted, "{outage:?}");
            assert!(!o.verified && !o.conclusive && o.retryable);
        }
        // Without an outage check's answer nothing inconclusive passes.
        assert!(!open().decide(down(), None).accepted);
        let bad = open().decide(
            finished(Answer::new(Verdict::Rejected(Reason::TokenInvalid))),
            Some(Outage::Confirmed),
        );
        assert!(!bad.accepted && bad.conclusive);
    }

    #[test]
    fn tls_failure_is_never_accepted() {
        let o = open().decide(finished(Answer::new(Verdict::TlsFailure)), Some(Outage::Confirmed));
        assert!(!o.accepted && !o.retryable);
        assert_eq!(o.reason, Reason::TlsFailure);
        assert!(!open().needs_outage_check(&finished(Answer::new(Verdict::TlsFailure))));
    }

    #[test]
    fn fail_open_answer_follows_the_fail_mode() {
        let closed = Policy::default().decide(finished(Answer::new(Verdict::FailOpen)), None);
        assert!(!closed.accepted && !closed.verified && !closed.conclusive && closed.fail_open_suspected);
        let o = open().decide(finished(Answer::new(Verdict::FailOpen)), None);
        assert!(o.accepted && !o.verified && o.fail_open_suspected);
        let strict = Policy {
            on_fail_open: Some(FailOpenPolicy::Reject),
            ..open()
        };
        assert!(!strict.decide(finished(Answer::new(Verdict::FailOpen)), None).accepted);
        let lenient = Policy {
            on_fail_open: Some(FailOpenPolicy::Accept),
            ..Policy::default()
        };
        assert!(lenient.decide(finished(Answer::new(Verdict::FailOpen)), None).accepted);
    }

    #[test]
    fn duplicate_after_possible_landing_is_ambiguous() {
        let p = Policy::default();
        let mut f = finished(Answer::new(Verdict::Rejected(Reason::TokenExpiredOrDuplicate)));
        f.earlier_attempt_may_have_landed = true;
        assert!(open().needs_outage_check(&f));
        let o = p.decide(f, None);
        assert_eq!(o.reason, Reason::AmbiguousRetry);
        assert!(!o.conclusive && !o.accepted);
    }
}
