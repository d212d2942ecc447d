//! `siteverify-header-gen OUT_DIR`: writes siteverify.h and siteverify_php.h
//! into OUT_DIR from ffi-c's sources. `make header` writes them to include/;
//! `make test` writes them to a temporary folder and fails if they differ.

use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: siteverify-header-gen OUT_DIR"));
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (config, header) in [
        ("cbindgen.toml", "siteverify.h"),
        ("cbindgen-php.toml", "siteverify_php.h"),
    ] {
        let config = cbindgen::Config::from_file(crate_dir.join(config)).expect("reading the cbindgen config");
        cbindgen::Builder::new()
            .with_crate(&crate_dir)
            .with_config(config)
            .generate()
            .expect("generating the header")
            .write_to_file(out.join(header));
    }
}
