//! `siteverify-mock [--port N] [--secret S]...`: prints the base URL, then serves.

fn main() {
    let mut port: u16 = 0;
    let mut secrets = Vec::new();
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
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let mut config = siteverify_mock::MockConfig::default();
    if !secrets.is_empty() {
        config.secrets = secrets;
    }
    if let Err(e) = siteverify_mock::run_printing_url(port, config) {
        eprintln!("siteverify-mock: {e}");
        std::process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("siteverify-mock: {problem}");
    }
    eprintln!("usage: siteverify-mock [--port N] [--secret S]...");
    std::process::exit(2)
}
