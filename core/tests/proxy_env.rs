//! A plain-HTTP (loopback) endpoint never goes through a proxy from the
//! environment: the proxy would see the secret in the clear. Own test binary,
//! because it sets process-wide environment variables.

use siteverify::{Client, Provider, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

#[test]
fn loopback_http_ignores_proxy_environment() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    // A "proxy" that is the mock's own redirect-capture path would be visible;
    // a closed port would make every proxied request fail. Use the closed port.
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(var, "http://127.0.0.1:9");
    }
    let c = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .build()
        .unwrap();
    let o = c.verify_blocking("pass", &VerifyOptions::default()).unwrap();
    assert!(o.accepted, "{o:?}");
}
