//! Gives libsiteverify.so a versioned SONAME: the major number is the ABI
//! version (`SV_ABI_VERSION`), which changes only on an incompatible change.
fn main() {
    let abi = std::fs::read_to_string("src/version.rs")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.contains("pub const SV_ABI_VERSION"))
                .and_then(|l| l.split('=').nth(1))
                .map(|v| v.trim().trim_end_matches(';').to_string())
        })
        .expect("SV_ABI_VERSION in src/version.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsiteverify.so.{abi}");
    }
    println!("cargo:rerun-if-changed=src/version.rs");
}
