//! Turns a provider answer into an [`Outcome`]: local checks, fail mode and
//! fail-open policy. This is the only place a verdict is decided.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::outcome::{Outcome, Reason};
use crate::provider::{Answer, Verdict};

/// What happens when nobody can tell whether the user passed (provider down,
/// provider refused our request, unreadable answer, ambiguous retry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FailMode {
    /// Not accepted. The safe default for login and signup forms.
    #[default]
    Closed,
    /// Accepted, with `conclusive == false` so the application can flag it.
    Open,
}

impl std::str::FromStr for FailMode {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "closed" => Ok(FailMode::Closed),
            "open" => Ok(FailMode::Open),
            _ => Err(crate::Error::config("fail_mode must be \"open\" or \"closed\"")),
        }
    }
}

/// What a suspected provider fail-open answer (Prosopo's
/// `{verified:true, score:0}` after its own timeout) counts as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FailOpenPolicy {
    /// Accepted, flagged with `reason = provider-fail-open`, never `verified`.
    #[default]
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
            _ => Err(crate::Error::config("on_fail_open must be \"accept\" or \"reject\"")),
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
    pub on_fail_open: FailOpenPolicy,
}

/// The last answer of a verification, with what the transport knows about it.
pub(crate) struct Finished {
    pub answer: Answer,
    pub http_status: Option<u16>,
    pub attempts: u32,
    /// An earlier attempt may have reached the provider and used the token.
    pub earlier_attempt_may_have_landed: bool,
}

pub(crate) fn normalize_hostname(h: &str) -> String {
    h.trim().trim_end_matches('.').to_ascii_lowercase()
}

impl Policy {
    pub(crate) fn decide(&self, finished: Finished) -> Outcome {
        let Finished {
            answer,
            http_status,
            attempts,
            earlier_attempt_may_have_landed,
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
                outcome.accepted = self.on_fail_open == FailOpenPolicy::Accept;
                outcome.detail = Some("provider answered with its fail-open shape (verified with score 0)".into());
            }
            Verdict::Rejected(Reason::TokenExpiredOrDuplicate) if earlier_attempt_may_have_landed => {
                self.inconclusive(&mut outcome, Reason::AmbiguousRetry);
                outcome.detail =
                    Some("a retry was told the token was already used, but an earlier attempt may have used it".into());
            }
            Verdict::Rejected(reason) => outcome.reason = reason,
            Verdict::RequestRefused => self.inconclusive(&mut outcome, Reason::ProviderRejectedRequest),
            Verdict::Transient => {
                self.inconclusive(&mut outcome, Reason::ProviderUnavailable);
                outcome.retryable = true;
            }
            Verdict::Protocol => self.inconclusive(&mut outcome, Reason::ProtocolError),
            // Whoever can intercept the connection could otherwise open every form.
            Verdict::TlsFailure => {
                outcome.conclusive = false;
                outcome.reason = Reason::TlsFailure;
            }
        }
        outcome
    }

    fn inconclusive(&self, outcome: &mut Outcome, reason: Reason) {
        outcome.conclusive = false;
        outcome.reason = reason;
        outcome.accepted = self.fail_mode == FailMode::Open;
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
        assert_eq!(p.decide(finished(verified(None))).reason, Reason::ScoreMissing);
        assert_eq!(
            p.decide(finished(verified(Some(0.51)))).reason,
            Reason::ScoreAboveThreshold
        );
        let ok = p.decide(finished(verified(Some(0.5))));
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
        assert!(p.decide(finished(a.clone())).accepted);
        a.hostname = Some("example.com.evil.net".into());
        assert_eq!(p.decide(finished(a.clone())).reason, Reason::HostnameMismatch);
        a.hostname = None;
        assert_eq!(p.decide(finished(a)).reason, Reason::HostnameMismatch);
    }

    #[test]
    fn fail_mode_decides_inconclusive_only() {
        let open = Policy {
            fail_mode: FailMode::Open,
            ..Policy::default()
        };
        let down = open.decide(finished(Answer::new(Verdict::Transient)));
        assert!(down.accepted && !down.verified && !down.conclusive && down.retryable);
        let bad = open.decide(finished(Answer::new(Verdict::Rejected(Reason::TokenInvalid))));
        assert!(!bad.accepted && bad.conclusive);
    }

    #[test]
    fn fail_open_is_never_verified() {
        let p = Policy::default();
        let o = p.decide(finished(Answer::new(Verdict::FailOpen)));
        assert!(o.accepted && !o.verified && !o.conclusive && o.fail_open_suspected);
        let strict = Policy {
            on_fail_open: FailOpenPolicy::Reject,
            ..Policy::default()
        };
        assert!(!strict.decide(finished(Answer::new(Verdict::FailOpen))).accepted);
    }

    #[test]
    fn duplicate_after_possible_landing_is_ambiguous() {
        let p = Policy::default();
        let mut f = finished(Answer::new(Verdict::Rejected(Reason::TokenExpiredOrDuplicate)));
        f.earlier_attempt_may_have_landed = true;
        let o = p.decide(f);
        assert_eq!(o.reason, Reason::AmbiguousRetry);
        assert!(!o.conclusive && !o.accepted);
    }
}
