//! Scores in siteverify's direction: 0 = human, 1 = bot, for every provider.
//!
//! Google's reCAPTCHA (v3 and Enterprise) scores the other way round (1.0 =
//! very likely human). Its scores come in steps of 0.1 (v3: usually 0.1, 0.3,
//! 0.7, 0.9); `1.0 - 0.9` in floating point is `0.09999999999999998`, which
//! would fail a threshold of `0.1`. So the flip is done in millionths:
//! `(1_000_000 - round(s × 1_000_000)) / 1_000_000`, exact for any score with
//! up to six decimals: Google's 0.9 is exactly 0.1 here, its 0.3 exactly 0.7.

const STEPS: f64 = 1_000_000.0;

/// Google's score (1 = human) as siteverify's (0 = human).
pub(crate) fn reversed(google: f64) -> f64 {
    (STEPS - (google * STEPS).round()) / STEPS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn googles_steps_flip_exactly() {
        assert_eq!(reversed(0.9), 0.1);
        assert_eq!(reversed(0.7), 0.3);
        assert_eq!(reversed(0.3), 0.7);
        assert_eq!(reversed(0.1), 0.9);
        assert_eq!(reversed(1.0), 0.0);
        assert_eq!(reversed(0.0), 1.0);
        for tenths in 0..=10 {
            let google = f64::from(tenths) / 10.0;
            assert_eq!(reversed(google), f64::from(10 - tenths) / 10.0);
        }
    }
}
