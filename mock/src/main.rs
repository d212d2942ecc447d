//! `siteverify-mock [--port N] [--secret S]...`: prints the base URL, then serves.

use std::io::Write;

fn main() {
    let mut port: u16 = 0;
    let mut secrets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse().ok()).unwrap_or_else(|| usage("--port needs a number")),
            "--secret" => secrets.push(args.next().unwrap_or_else(|| usage("--secret needs a value"))),
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let mut config = siteverify_mock::MockConfig::default();
    if !secrets.is_empty() {
        config.secrets = secrets;
    }
    if let Err(e) = run(port, config) {
        eprintln!("siteverify-mock: {e}");
        std::process::exit(1);
    }
}

fn run(port: u16, config: siteverify_mock::MockConfig) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "http://{}", listener.local_addr()?)?;
        out.flush()?;
        drop(out);
        siteverify_mock::serve(listener, config).await;
        Ok(())
    })
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("siteverify-mock: {problem}");
    }
    eprintln!("usage: siteverify-mock [--port N] [--secret S]...");
    std::process::exit(2)
}
