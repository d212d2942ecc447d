//! Library and ABI versions. The header's macros come from these constants;
//! a test checks them against Cargo.toml.

use std::ffi::c_char;

/// Library major version (matches Cargo.toml).
pub const SV_VERSION_MAJOR: u32 = 0;
/// Library minor version (matches Cargo.toml).
pub const SV_VERSION_MINOR: u32 = 1;
/// Library patch version (matches Cargo.toml).
pub const SV_VERSION_PATCH: u32 = 0;
/// ABI version: bumped only on an incompatible change; it is the SONAME's number.
pub const SV_ABI_VERSION: u32 = 1;

/// The library version as "MAJOR.MINOR.PATCH" (a static string).
#[no_mangle]
pub extern "C" fn sv_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version of the loaded library; compare with `SV_ABI_VERSION`.
#[no_mangle]
pub extern "C" fn sv_abi_version() -> u32 {
    SV_ABI_VERSION
}

#[cfg(test)]
mod tests {
    #[test]
    fn constants_match_cargo_toml() {
        let v = format!(
            "{}.{}.{}",
            super::SV_VERSION_MAJOR,
            super::SV_VERSION_MINOR,
            super::SV_VERSION_PATCH
        );
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
    }
}
