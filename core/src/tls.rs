//! TLS trust decisions: which roots a client trusts, and which failures are
//! certificate or handshake failures.
//!
//! # Which roots
//!
//! Every client trusts the **system trust store**, as loaded by
//! `rustls-native-certs`: on Linux the distribution's bundle (e.g.
//! `/etc/ssl/certs/ca-certificates.crt`), on macOS the keychain, on Windows
//! the system store. `SSL_CERT_FILE` and `SSL_CERT_DIR`, when set, replace the
//! platform locations, as they do for OpenSSL and curl. That is where
//! companies install the CA of a TLS-inspecting egress proxy, and they expect
//! every client to honour it. Extra CAs given with `ca_pem`/`ca_file` are
//! trusted in addition.
//!
//! **An empty or unreadable system store falls back to the bundled Mozilla
//! roots** (`webpki-roots`, compiled in), so that a minimal container without
//! `ca-certificates` still reaches the providers. That is never less strict
//! than the platform would be on a host with the package installed; it only
//! means "no store" is not an outage. The fallback applies only when not a
//! single usable certificate was found: a store with some unreadable files
//! or unparsable certificates is used for what it has.
//!
//! The store is read once per process, at the first client build, and cached:
//! reading and parsing it costs milliseconds, which a client cache rebuilding
//! clients (e.g. per php-fpm worker) should not pay each time. Changing
//! `SSL_CERT_FILE` later affects new processes only.
//!
//! # Which failures
//!
//! Certificate and handshake failures are never retried and never accepted:
//! retrying cannot fix a bad certificate, and accepting would let whoever can
//! intercept the connection open every form.

use std::error::Error as StdError;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The trust anchors found in the system store, parsed once.
struct SystemRoots {
    /// Empty: nothing usable was found, so the bundled roots are used instead.
    certs: Vec<reqwest::Certificate>,
}

/// The process-wide cache: a pointer to a leaked [`SystemRoots`], set once.
///
/// Not a `Mutex` or `OnceLock`: a child forked while another thread is inside
/// their initialisation would inherit them locked (or "running") and wait
/// forever. Here a child either sees the published pointer (the memory is
/// copied by fork) or null, and then loads the store itself.
static SYSTEM_ROOTS: AtomicPtr<SystemRoots> = AtomicPtr::new(ptr::null_mut());

fn system_roots() -> &'static SystemRoots {
    let current = SYSTEM_ROOTS.load(Ordering::Acquire);
    if !current.is_null() {
        // SAFETY: only ever set to a leaked Box below, never freed or changed.
        return unsafe { &*current };
    }
    let fresh = Box::into_raw(Box::new(load_system_roots()));
    match SYSTEM_ROOTS.compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: `fresh` is now published and leaked for the process lifetime.
        Ok(_) => unsafe { &*fresh },
        Err(winner) => {
            // Another thread loaded it concurrently: keep theirs, free ours
            // (never published, so nobody else can hold it).
            // SAFETY: `fresh` came from Box::into_raw above and was not shared.
            drop(unsafe { Box::from_raw(fresh) });
            // SAFETY: as for `current` above.
            unsafe { &*winner }
        }
    }
}

fn load_system_roots() -> SystemRoots {
    // Errors (an unreadable file, a directory that is not there) are not fatal:
    // whatever was read is used, and nothing at all means the fallback.
    usable(rustls_native_certs::load_native_certs().certs)
}

/// Keeps the certificates rustls can use as trust anchors: system stores carry
/// some it cannot parse, and one of those must not fail every client build.
fn usable(certs: Vec<rustls::pki_types::CertificateDer<'static>>) -> SystemRoots {
    let mut probe = rustls::RootCertStore::empty();
    let certs = certs
        .into_iter()
        .filter(|der| probe.add(der.clone()).is_ok())
        .filter_map(|der| reqwest::Certificate::from_der(&der).ok())
        .collect();
    SystemRoots { certs }
}

/// Sets the roots `builder` trusts before any extra CA: the system store, or
/// the bundled roots when the system store is empty or unreadable (see the
/// module documentation).
pub(crate) fn with_default_roots(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    let roots = system_roots();
    if roots.certs.is_empty() {
        return builder.tls_built_in_root_certs(true);
    }
    roots
        .certs
        .iter()
        .fold(builder.tls_built_in_root_certs(false), |b, cert| {
            b.add_root_certificate(cert.clone())
        })
}

/// True when `err`, or anything in its chain of causes, is a rustls error:
/// an unknown CA, a hostname mismatch, an expired certificate, a failed handshake.
pub(crate) fn is_tls_failure(err: &(dyn StdError + 'static)) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    // Bounded: a cause chain is a handful of links; a cycle must not hang us.
    for _ in 0..32 {
        let Some(e) = current else { break };
        if e.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        current = match e.downcast_ref::<std::io::Error>() {
            // tokio-rustls reports `io::Error::new(InvalidData, rustls_error)`,
            // and reqwest 0.12 / hyper-rustls 0.27 wrap that io::Error in
            // another one. `io::Error::source` skips the error it wraps (it
            // returns that error's own source), so the walk would step over
            // both layers and the rustls error between them: descend into the
            // wrapped error itself instead.
            Some(io) if io.get_ref().is_some() => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            _ => e.source(),
        };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_usable_means_the_bundled_roots() {
        assert!(usable(Vec::new()).certs.is_empty());
        let junk = rustls::pki_types::CertificateDer::from(b"not a certificate".to_vec());
        assert!(usable(vec![junk]).certs.is_empty());
    }

    #[test]
    fn the_cache_is_loaded_once() {
        let first: *const SystemRoots = system_roots();
        let second: *const SystemRoots = system_roots();
        assert_eq!(first, second);
    }
}
