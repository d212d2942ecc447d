//! HTTPS mode: a throwaway CA generated at start, a leaf it signs, and the
//! TLS accept path that hands each connection to HTTP/1.1 or HTTP/2 by ALPN.

use std::io;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::ServerConfig;
use rustls::HandshakeKind;
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use crate::state::State;

/// HTTPS options for [`crate::MockServer::start_tls`] and the binary's `--tls`.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Serve a leaf whose only name is `wrong-host.invalid`: signed by the
    /// same CA, so a client that trusts the CA still refuses it for
    /// `127.0.0.1`/`localhost` (a hostname-mismatch test).
    pub wrong_hostname: bool,
}

/// The names the normal leaf is valid for: everything a client on loopback dials.
const LEAF_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];
/// The only name of the `wrong_hostname` leaf.
pub const WRONG_HOSTNAME: &str = "wrong-host.invalid";

/// A generated CA and the server side of TLS built on it.
pub(crate) struct Identity {
    pub ca_pem: String,
    pub acceptor: TlsAcceptor,
}

fn tls_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("cannot set up the mock's TLS: {e}"))
}

/// Generates a fresh CA and leaf. Keys live only in this process: nothing
/// signed here can be trusted anywhere the caller did not install the CA.
pub(crate) fn identity(options: &TlsOptions) -> io::Result<Identity> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_error)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    // A name of its own: two mocks' CAs with one subject would be confused
    // for each other in a trust store (a signature failure, not "unknown CA").
    ca_params
        .distinguished_name
        .push(DnType::CommonName, format!("siteverify-mock test CA {}", unique()));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(tls_error)?).map_err(tls_error)?;

    let names: Vec<String> = if options.wrong_hostname {
        vec![WRONG_HOSTNAME.to_string()]
    } else {
        LEAF_NAMES.iter().map(|n| n.to_string()).collect()
    };
    let mut leaf_params = CertificateParams::new(names).map_err(tls_error)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "siteverify-mock");
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().map_err(tls_error)?;
    let leaf = leaf_params.signed_by(&leaf_key, &ca).map_err(tls_error)?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .map_err(tls_error)?;
    // Both, server preference h2 first: a client that offers h2 gets it.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Identity {
        ca_pem: ca.pem(),
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}

/// Distinct for every CA this process generates (and, by the clock, across processes).
fn unique() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos:x}-{}", std::process::id(), COUNTER.fetch_add(1, Relaxed))
}

/// Handshakes, counts, then serves the connection with the protocol ALPN chose.
pub(crate) async fn serve(acceptor: TlsAcceptor, stream: TcpStream, state: Arc<State>) {
    let tls = match acceptor.accept(stream).await {
        Ok(tls) => tls,
        Err(_) => {
            // Typically the client refused our certificate (unknown CA, wrong name).
            state.counters.tls.failed.fetch_add(1, Relaxed);
            return;
        }
    };
    let (_, conn) = tls.get_ref();
    match conn.handshake_kind() {
        Some(HandshakeKind::Resumed) => state.counters.tls.resumed.fetch_add(1, Relaxed),
        _ => state.counters.tls.full.fetch_add(1, Relaxed),
    };
    if conn.alpn_protocol() == Some(b"h2") {
        state.counters.tls.h2_connections.fetch_add(1, Relaxed);
        crate::h2::serve(tls, state).await;
    } else {
        crate::http::serve_connection(tls, |req| {
            let state = state.clone();
            async move { crate::route::route(&state, req).await }
        })
        .await;
    }
}
