//! Testing only, not API: the core's panic-injection hook, for the tests that
//! check every entry point turns a panic into `InternalError` exactly once.

use pyo3::prelude::*;

/// Testing only, not API: while armed, verifying ``_TESTING_PANIC_TOKEN``
/// panics inside the verification (process-wide).
#[pyfunction]
#[pyo3(name = "_testing_arm_injected_panic")]
fn testing_arm_injected_panic(armed: bool) {
    siteverify::fault::arm_injected_panic(armed);
}

/// Adds `_testing_arm_injected_panic` and `_TESTING_PANIC_TOKEN` to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(testing_arm_injected_panic, m)?)?;
    m.add("_TESTING_PANIC_TOKEN", siteverify::fault::PANIC_TOKEN)?;
    Ok(())
}
