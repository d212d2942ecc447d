//! `socks5://` and `socks5h://` proxies carry verifications for real: through a
//! minimal SOCKS5 server on loopback, to the HTTPS mock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use siteverify::{Client, Provider, Reason, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, TlsOptions, DEFAULT_SECRET};
use tokio::io::{copy_bidirectional, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// No authentication, CONNECT only, IPv4 and domain targets (domains resolved
/// here, as a socks5h proxy does). Counts the tunnels it opened.
async fn socks5(listener: TcpListener, tunnels: Arc<AtomicU64>) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            return;
        };
        let tunnels = tunnels.clone();
        tokio::spawn(async move {
            let mut head = [0u8; 2];
            client.read_exact(&mut head).await?;
            let mut methods = vec![0u8; head[1] as usize];
            client.read_exact(&mut methods).await?;
            client.write_all(&[5, 0]).await?;
            let mut req = [0u8; 4];
            client.read_exact(&mut req).await?;
            assert_eq!(&req[..2], &[5, 1], "CONNECT");
            let host = match req[3] {
                1 => {
                    let mut ip = [0u8; 4];
                    client.read_exact(&mut ip).await?;
                    std::net::Ipv4Addr::from(ip).to_string()
                }
                3 => {
                    let mut len = [0u8; 1];
                    client.read_exact(&mut len).await?;
                    let mut name = vec![0u8; len[0] as usize];
                    client.read_exact(&mut name).await?;
                    String::from_utf8(name).unwrap()
                }
                other => panic!("address type {other}"),
            };
            let port = client.read_u16().await?;
            let mut upstream = TcpStream::connect((host.as_str(), port)).await?;
            client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
            tunnels.fetch_add(1, Ordering::SeqCst);
            copy_bidirectional(&mut client, &mut upstream).await?;
            Ok::<_, std::io::Error>(())
        });
    }
}

#[tokio::test]
async fn socks5_proxies_carry_the_verification() {
    let mock = MockServer::start_tls(MockConfig::default(), TlsOptions::default()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = listener.local_addr().unwrap();
    let tunnels = Arc::new(AtomicU64::new(0));
    tokio::spawn(socks5(listener, tunnels.clone()));

    let port = mock.url().rsplit(':').next().unwrap().to_string();
    for (scheme, host) in [("socks5", "127.0.0.1"), ("socks5h", "localhost")] {
        let before = tunnels.load(Ordering::SeqCst);
        let c = Client::builder(Provider::GateKeeper)
            .secret(DEFAULT_SECRET)
            .endpoint(format!("https://{host}:{port}/api/v1/token/verify"))
            .ca_pem(mock.ca_pem().unwrap())
            .proxy(format!("{scheme}://{proxy_addr}"))
            .build()
            .unwrap();
        let o = c.verify("pass", &VerifyOptions::default()).await.unwrap();
        assert_eq!(o.reason, Reason::Verified, "{scheme}: {o:?}");
        assert_eq!(
            tunnels.load(Ordering::SeqCst),
            before + 1,
            "{scheme} went through the proxy"
        );
    }
}
