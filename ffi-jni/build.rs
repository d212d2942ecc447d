//! The JNI library reports the C ABI version of the tree it was built from
//! (`SV_ABI_VERSION` in include/siteverify.h), so that the Java binding can
//! refuse a library from another release on either path with the same check.
fn main() {
    let header = "../include/siteverify.h";
    let abi = std::fs::read_to_string(header)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("#define SV_ABI_VERSION ").map(|v| v.trim().to_string()))
        })
        .expect("#define SV_ABI_VERSION in include/siteverify.h");
    println!("cargo:rustc-env=SV_ABI_VERSION={abi}");
    println!("cargo:rerun-if-changed={header}");
}
