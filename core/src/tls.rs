//! TLS trust decisions: which failures are certificate or handshake failures.
//!
//! Those are never retried and never accepted: retrying cannot fix a bad
//! certificate, and accepting would let whoever can intercept the connection
//! open every form.

use std::error::Error as StdError;

/// True when `err`, or anything in its chain of causes, is a rustls error:
/// an unknown CA, a hostname mismatch, an expired certificate, a failed handshake.
pub(crate) fn is_tls_failure(err: &(dyn StdError + 'static)) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        // hyper-rustls wraps the rustls error in an io::Error whose `source`
        // is the inner error only on some versions; look inside explicitly.
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return true;
            }
        }
        current = e.source();
    }
    false
}
