//! `siteverify-mock [--port N] [--secret S]... [--tls --ca-out FILE [--tls-wrong-host]]`:
//! prints the base URL, then serves.

use std::path::PathBuf;

fn main() {
    let mut port: u16 = 0;
    let mut secrets = Vec::new();
    let mut tls = false;
    let mut ca_out: Option<PathBuf> = None;
    let mut options = siteverify_mock::TlsOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| usage("--port needs a number"))
            }
            "--secret" => secrets.push(args.next().unwrap_or_else(|| usage("--secret needs a value"))),
            "--tls" => tls = true,
            "--ca-out" => ca_out = Some(args.next().unwrap_or_else(|| usage("--ca-out needs a file")).into()),
            "--tls-wrong-host" => options.wrong_hostname = true,
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let mut config = siteverify_mock::MockConfig::default();
    if !secrets.is_empty() {
        config.secrets = secrets;
    }
    let result = match (tls, ca_out) {
        (false, None) if !options.wrong_hostname => siteverify_mock::run_printing_url(port, config),
        (true, Some(ca_out)) => siteverify_mock::run_printing_url_tls(port, config, options, &ca_out),
        // Without the CA file the HTTPS mock is unusable: no client could trust it.
        (true, None) => usage("--tls needs --ca-out FILE"),
        _ => usage("--ca-out and --tls-wrong-host need --tls"),
    };
    if let Err(e) = result {
        eprintln!("siteverify-mock: {e}");
        std::process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("siteverify-mock: {problem}");
    }
    eprintln!("usage: siteverify-mock [--port N] [--secret S]... [--tls --ca-out FILE [--tls-wrong-host]]");
    std::process::exit(2)
}
