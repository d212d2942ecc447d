//! `libsiteverify_jni`: the JNI glue of the Java binding (`org.siteverify.JniBackend`), the
//! path Java 17 to 21 take (Java 22+ uses `java.lang.foreign` over libsiteverify's C ABI).
//!
//! It translates and decides nothing. It calls the core's public API (`ClientBuilder`,
//! `Client::verify_bytes`, the shared runtime) and hands back the core's own words: an outcome
//! or stats snapshot as the core's JSON (`Outcome::to_json`, `StatsSnapshot::to_json`), an error
//! as the core's stable code and message. The Java side turns those into the same records and
//! exceptions the FFM path produces.
//!
//! Rules at this boundary:
//! - every export runs inside `catch_unwind`: a panic never unwinds into the JVM, it becomes a
//!   Java exception with code `panic`;
//! - errors are thrown as `org.siteverify.JniBackend$Failure("code:message")`; no message this
//!   glue writes contains an argument's value (the secret, a URL, a token);
//! - a local reference made in a loop is deleted before the next iteration;
//! - an async verification completes its Java future exactly once: [`Completion`] delivers the
//!   result, and delivers an `internal` error from `Drop` if the task ends without one (a panic
//!   inside the core drops the task's future).
//!
//! Strings arrive as the exact UTF-8 bytes (`byte[]`) the Java side encoded strictly, so that
//! both paths see the same bytes and reject the same inputs with the same messages.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jni::objects::{
    GlobalRef, JByteArray, JClass, JLongArray, JObject, JObjectArray, JStaticMethodID, JString, JValue,
};
use jni::signature::{Primitive, ReturnType};
use jni::sys::{jboolean, jdouble, jint, jlong, jstring, JNI_TRUE};
use jni::{JNIEnv, JavaVM};
use tokio::sync::Notify;
use zeroize::Zeroize;

use siteverify::{Client, FailMode, FailOpenPolicy, Provider, Reason, VerifyOptions};

/// The exception every failure is thrown as; the Java side maps its code to the typed exceptions.
const FAILURE_CLASS: &str = "org/siteverify/JniBackend$Failure";
/// `static void onVerified(long id, String json, String code, String message)`.
const ON_VERIFIED: (&str, &str) = (
    "onVerified",
    "(JLjava/lang/String;Ljava/lang/String;Ljava/lang/String;)V",
);

/// A failure for Java.
enum Fail {
    /// A stable code and a message without argument values.
    Error { code: &'static str, message: String },
    /// A Java exception is already pending (thrown by a JNI call): leave it be.
    JavaPending,
}

impl Fail {
    fn new(code: &'static str, message: impl Into<String>) -> Fail {
        Fail::Error {
            code,
            message: message.into(),
        }
    }
}

impl From<siteverify::Error> for Fail {
    fn from(e: siteverify::Error) -> Fail {
        Fail::new(e.code().as_str(), e.message())
    }
}

impl From<jni::errors::Error> for Fail {
    fn from(e: jni::errors::Error) -> Fail {
        match e {
            jni::errors::Error::JavaException => Fail::JavaPending,
            // jni's errors name methods, signatures and JNI calls, never argument values.
            other => Fail::new("internal", format!("JNI call failed: {other}")),
        }
    }
}

type Result<T> = std::result::Result<T, Fail>;

/// Runs an export's body: a panic or an error becomes a Java exception and `fallback` is returned.
fn boundary<'l, T>(env: &mut JNIEnv<'l>, fallback: T, body: impl FnOnce(&mut JNIEnv<'l>) -> Result<T>) -> T {
    let fail = match catch_unwind(AssertUnwindSafe(|| body(env))) {
        Ok(Ok(value)) => return value,
        Ok(Err(fail)) => fail,
        Err(_) => Fail::new("panic", "a Rust panic was caught in siteverify-jni; please report it"),
    };
    if let Fail::Error { code, message } = fail {
        // Never throw over a pending exception; if even throwing fails, the JVM has one pending.
        if !env.exception_check().unwrap_or(true) {
            let _ = env.throw_new(FAILURE_CLASS, format!("{code}:{message}"));
        }
    }
    fallback
}

/// What completions need on any thread: the VM, and `JniBackend` with its callback.
struct Globals {
    vm: JavaVM,
    class: GlobalRef,
    on_verified: JStaticMethodID,
}

static GLOBALS: OnceLock<Globals> = OnceLock::new();

/// The C ABI version of the tree this library was built from (see build.rs).
fn abi_version() -> jint {
    env!("SV_ABI_VERSION").parse().unwrap_or(-1)
}

fn bytes(env: &mut JNIEnv, array: &JByteArray, what: &'static str) -> Result<Vec<u8>> {
    if array.is_null() {
        return Err(Fail::new("null-argument", format!("{what} is null")));
    }
    Ok(env.convert_byte_array(array)?)
}

fn utf8(bytes: Vec<u8>, what: &'static str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        e.into_bytes().zeroize();
        Fail::new("invalid-argument", format!("{what} is not valid UTF-8"))
    })
}

/// A nullable `byte[]` holding UTF-8.
fn opt_string(env: &mut JNIEnv, array: &JByteArray, what: &'static str) -> Result<Option<String>> {
    if array.is_null() {
        return Ok(None);
    }
    let b = bytes(env, array, what)?;
    utf8(b, what).map(Some)
}

/// A nullable `byte[][]`; each element's local reference is deleted before the next.
fn byte_arrays(env: &mut JNIEnv, arrays: &JObjectArray, what: &'static str) -> Result<Vec<Vec<u8>>> {
    if arrays.is_null() {
        return Ok(Vec::new());
    }
    let n = env.get_array_length(arrays)?;
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for i in 0..n {
        let element = JByteArray::from(env.get_object_array_element(arrays, i)?);
        let b = bytes(env, &element, what);
        env.delete_local_ref(element)?;
        out.push(b?);
    }
    Ok(out)
}

fn strings(env: &mut JNIEnv, arrays: &JObjectArray, what: &'static str) -> Result<Vec<String>> {
    byte_arrays(env, arrays, what)?
        .into_iter()
        .map(|b| utf8(b, what))
        .collect()
}

/// A code string (provider, fail mode, ...): plain ASCII set by the binding itself.
fn code(env: &mut JNIEnv, s: &JString) -> Result<Option<String>> {
    if s.is_null() {
        return Ok(None);
    }
    Ok(Some(env.get_string(s)?.into()))
}

fn options(env: &mut JNIEnv, remote_ip: &JByteArray, email: &JByteArray) -> Result<VerifyOptions> {
    let mut options = VerifyOptions::default();
    if let Some(ip) = opt_string(env, remote_ip, "remote IP")? {
        options = options.remote_ip(ip);
    }
    if let Some(email) = opt_string(env, email, "email")? {
        options = options.email(email);
    }
    Ok(options)
}

/// # Safety
/// `client` is 0 or a live handle from `build` (the Java side counts references).
unsafe fn client_ref<'a>(client: jlong) -> Result<&'a Client> {
    (client as *const Client)
        .as_ref()
        .ok_or_else(|| Fail::new("null-argument", "client is null"))
}

fn java_string(env: &mut JNIEnv, s: &str) -> Result<jstring> {
    Ok(env.new_string(s)?.into_raw())
}

// ---- library ----

/// Caches the VM and `JniBackend`'s callback (on the loading thread, so the class is the one
/// the application's class loader defined) and returns the ABI version.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_init<'l>(mut env: JNIEnv<'l>, class: JClass<'l>) -> jint {
    boundary(&mut env, -1, |env| {
        if GLOBALS.get().is_none() {
            let vm = env.get_java_vm()?;
            let class_ref = env.new_global_ref(&class)?;
            let on_verified = env.get_static_method_id(&class, ON_VERIFIED.0, ON_VERIFIED.1)?;
            let _ = GLOBALS.set(Globals {
                vm,
                class: class_ref,
                on_verified,
            });
        }
        Ok(abi_version())
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_version0<'l>(mut env: JNIEnv<'l>, _class: JClass<'l>) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        java_string(env, siteverify::VERSION)
    })
}

/// The code of the reason numbered `number` (its index in the core's list, as `SV_REASON_*`), or null.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_reasonStr0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    number: jint,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        match usize::try_from(number).ok().and_then(|i| Reason::ALL.get(i)) {
            Some(r) => java_string(env, r.as_str()),
            None => Ok(std::ptr::null_mut()),
        }
    })
}

// ---- client ----

/// Indexes into `build`'s `numbers`; -1 there means "not set" (the core's default applies).
const N_TIMEOUT_MS: usize = 0;
const N_CONNECT_TIMEOUT_MS: usize = 1;
const N_ATTEMPT_TIMEOUT_MS: usize = 2;
const N_MAX_RETRIES: usize = 3;
const N_BACKOFF_BASE_MS: usize = 4;
const N_BACKOFF_MAX_MS: usize = 5;
const N_MAX_AGE_SECONDS: usize = 6;
const N_COUNT: usize = 7;

/// Builds a client from every option the Java builder holds and returns its handle. Options
/// left unset are not touched, so the core's defaults apply.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_org_siteverify_JniBackend_build0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    provider: JString<'l>,
    secret: JByteArray<'l>,
    endpoint: JByteArray<'l>,
    region: JByteArray<'l>,
    proxy: JByteArray<'l>,
    hostnames: JObjectArray<'l>,
    actions: JObjectArray<'l>,
    ca_pems: JObjectArray<'l>,
    ca_files: JObjectArray<'l>,
    numbers: JLongArray<'l>,
    has_threshold: jboolean,
    threshold: jdouble,
    fail_mode: JString<'l>,
    on_fail_open: JString<'l>,
    allow_http: jint,
) -> jlong {
    boundary(&mut env, 0, |env| {
        let provider: Provider = code(env, &provider)?
            .ok_or_else(|| Fail::new("null-argument", "provider is null"))?
            .parse()?;
        let mut b = Client::builder(provider);
        if !secret.is_null() {
            let s = bytes(env, &secret, "secret")?;
            b.secret(utf8(s, "secret")?); // moved into the core's zeroizing Secret
        }
        if let Some(v) = opt_string(env, &endpoint, "endpoint")? {
            b.endpoint(v);
        }
        if let Some(v) = opt_string(env, &region, "region")? {
            b.region(v);
        }
        if let Some(v) = opt_string(env, &proxy, "proxy")? {
            b.proxy(v);
        }
        for h in strings(env, &hostnames, "expected hostname")? {
            b.expected_hostname(h);
        }
        for a in strings(env, &actions, "expected action")? {
            b.expected_action(a);
        }
        for pem in byte_arrays(env, &ca_pems, "CA PEM")? {
            b.ca_pem(pem);
        }
        for f in strings(env, &ca_files, "CA file")? {
            b.ca_file(PathBuf::from(f));
        }

        let mut n = [-1i64; N_COUNT];
        if !numbers.is_null() && env.get_array_length(&numbers)? as usize == N_COUNT {
            env.get_long_array_region(&numbers, 0, &mut n)?;
        } else {
            return Err(Fail::new("internal", "build: wrong number of numeric options"));
        }
        let set = |i: usize| u64::try_from(n[i]).ok(); // -1: not set
        if let Some(ms) = set(N_TIMEOUT_MS) {
            b.timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = set(N_CONNECT_TIMEOUT_MS) {
            b.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = set(N_ATTEMPT_TIMEOUT_MS) {
            b.attempt_timeout(Duration::from_millis(ms));
        }
        if let Some(r) = set(N_MAX_RETRIES) {
            b.max_retries(u32::try_from(r).unwrap_or(u32::MAX));
        }
        if let (Some(base), Some(max)) = (set(N_BACKOFF_BASE_MS), set(N_BACKOFF_MAX_MS)) {
            b.retry_backoff(Duration::from_millis(base), Duration::from_millis(max));
        }
        if let Some(s) = set(N_MAX_AGE_SECONDS) {
            b.max_age(Duration::from_secs(s));
        }
        if has_threshold == JNI_TRUE {
            b.score_threshold(threshold);
        }
        if let Some(m) = code(env, &fail_mode)? {
            b.fail_mode(m.parse::<FailMode>()?);
        }
        if let Some(p) = code(env, &on_fail_open)? {
            b.on_fail_open(p.parse::<FailOpenPolicy>()?);
        }
        if allow_http >= 0 {
            b.allow_http(allow_http != 0);
        }
        let client = b.build()?;
        Ok(Box::into_raw(Box::new(client)) as jlong)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_free0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
) {
    boundary(&mut env, (), |_| {
        if client != 0 {
            // SAFETY: from Box::into_raw in `build`; the Java side frees each handle once.
            drop(unsafe { Box::from_raw(client as *mut Client) });
        }
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_endpoint0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: the Java side holds a reference for the call.
        let client = unsafe { client_ref(client)? };
        java_string(env, client.endpoint())
    })
}

/// Verifies, blocking the calling thread; returns the outcome as the core's JSON.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_verify0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
    token: JByteArray<'l>,
    remote_ip: JByteArray<'l>,
    email: JByteArray<'l>,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: the Java side holds a reference for the call.
        let client = unsafe { client_ref(client)? };
        let token = bytes(env, &token, "token")?;
        let options = options(env, &remote_ip, &email)?;
        let outcome = siteverify::runtime::block_on(client.verify_bytes(&token, &options))??;
        java_string(env, &outcome.to_json())
    })
}

/// A running async verification: `cancel` wakes the task, which then completes with `cancelled`.
struct Task {
    cancel: Arc<Notify>,
}

/// Starts a verification on the core's runtime and returns a task handle (free it with
/// `freeTask`). `JniBackend.onVerified(id, ...)` is called exactly once, on a runtime thread,
/// unless this throws (then never).
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_verifyAsync0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
    token: JByteArray<'l>,
    remote_ip: JByteArray<'l>,
    email: JByteArray<'l>,
    id: jlong,
) -> jlong {
    boundary(&mut env, 0, |env| {
        // SAFETY: the Java side holds a reference for the call; the task keeps its own clone.
        let client = unsafe { client_ref(client)? }.clone();
        let token = bytes(env, &token, "token")?;
        let options = options(env, &remote_ip, &email)?;
        if GLOBALS.get().is_none() {
            return Err(Fail::new("internal", "siteverify-jni was not initialised"));
        }
        let cancel = Arc::new(Notify::new());
        let task = Box::new(Task { cancel: cancel.clone() });
        let completion = Completion { id, delivered: false };
        spawn_verification(client, token, options, cancel, completion);
        Ok(Box::into_raw(task) as jlong)
    })
}

/// Runs one verification on the core's runtime; `completion` delivers its result exactly once.
fn spawn_verification(
    client: Client,
    token: Vec<u8>,
    options: VerifyOptions,
    cancel: Arc<Notify>,
    completion: Completion,
) -> tokio::task::JoinHandle<()> {
    siteverify::runtime::handle().spawn(async move {
        let result = tokio::select! {
            biased;
            _ = cancel.notified() => Err(siteverify::Error::cancelled()),
            r = client.verify_bytes(&token, &options) => r,
        };
        completion.finish(result);
    })
}

/// Cancels a verification; a no-op once it completed.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_cancel0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    task: jlong,
) {
    boundary(&mut env, (), |_| {
        // SAFETY: 0 or from `verifyAsync`, not yet freed (the Java side orders cancel before free).
        if let Some(task) = unsafe { (task as *const Task).as_ref() } {
            // notify_one stores a permit: a cancel before the task first runs still counts.
            task.cancel.notify_one();
        }
        Ok(())
    })
}

/// Frees a task handle; the verification goes on and still completes.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_freeTask0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    task: jlong,
) {
    boundary(&mut env, (), |_| {
        if task != 0 {
            // SAFETY: from Box::into_raw in `verifyAsync`, freed once.
            drop(unsafe { Box::from_raw(task as *mut Task) });
        }
        Ok(())
    })
}

/// The client's counters as the core's JSON.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_stats0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: the Java side holds a reference for the call.
        let client = unsafe { client_ref(client)? };
        java_string(env, &client.stats().to_json())
    })
}

// ---- test support (not public API) ----

/// Test support only: arms (`true`) or disarms the core's injected panic, process-wide
/// (`siteverify::fault::arm_injected_panic`). While armed, verifying
/// [`siteverify::fault::PANIC_TOKEN`] panics inside the verification; every entry point must still
/// complete exactly once with `internal`. Called only by the binding's tests, through the
/// package-private `JniBackend.testingArmInjectedPanic`.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_testingArmInjectedPanic0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    armed: jboolean,
) {
    boundary(&mut env, (), |_| {
        siteverify::fault::arm_injected_panic(armed == JNI_TRUE);
        Ok(())
    })
}

/// Test support only: the token that panics while the injected panic is armed.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_testingPanicToken0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        java_string(env, siteverify::fault::PANIC_TOKEN)
    })
}

// ---- async completion ----

/// Completes one Java future exactly once: through [`finish`](Completion::finish), or from
/// `Drop` with an `internal` error when the task is dropped without a result.
struct Completion {
    id: jlong,
    delivered: bool,
}

type Delivery = std::result::Result<String, (&'static str, String)>;

impl Completion {
    fn finish(mut self, result: siteverify::Result<siteverify::Outcome>) {
        // Everything that could panic happens before `delivered` is set, so Drop covers it.
        let delivery: Delivery = match result {
            Ok(outcome) => Ok(outcome.to_json()),
            Err(e) => Err((e.code().as_str(), e.message().to_owned())),
        };
        self.delivered = true;
        deliver(self.id, delivery);
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        if !self.delivered {
            self.delivered = true;
            deliver(
                self.id,
                Err(("internal", "the verification task ended without a result".to_owned())),
            );
        }
    }
}

/// Calls `JniBackend.onVerified` on this (runtime) thread, attached to the VM as a daemon for
/// the rest of its life (jni detaches it when the thread ends). Never panics, never leaves a
/// Java exception pending.
fn deliver(id: jlong, delivery: Delivery) {
    #[cfg(test)]
    tests::record(id, &delivery);
    let _ = catch_unwind(AssertUnwindSafe(move || {
        let Some(g) = GLOBALS.get() else { return };
        let Ok(mut env) = g.vm.attach_current_thread_as_daemon() else {
            return;
        };
        // The frame frees the call's local references: runtime threads never return to Java.
        let _ = env.with_local_frame(4, |env| -> jni::errors::Result<()> {
            let (json, code, message): (JObject, JObject, JObject) = match &delivery {
                Ok(json) => (env.new_string(json)?.into(), JObject::null(), JObject::null()),
                Err((code, message)) => (
                    JObject::null(),
                    env.new_string(code)?.into(),
                    env.new_string(message)?.into(),
                ),
            };
            let class: &JClass = g.class.as_obj().into();
            // SAFETY: the method id and argument types match ON_VERIFIED.
            unsafe {
                env.call_static_method_unchecked(
                    class,
                    g.on_verified,
                    ReturnType::Primitive(Primitive::Void),
                    &[
                        JValue::Long(id).as_jni(),
                        JValue::Object(&json).as_jni(),
                        JValue::Object(&code).as_jni(),
                        JValue::Object(&message).as_jni(),
                    ],
                )
            }?;
            Ok(())
        });
        if env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear();
        }
    }));
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// Deliveries per id (no JVM in these tests: `deliver` stops after recording).
    static DELIVERED: Mutex<Option<HashMap<jlong, Vec<String>>>> = Mutex::new(None);

    pub(super) fn record(id: jlong, delivery: &Delivery) {
        let what = match delivery {
            Ok(_) => "ok".to_owned(),
            Err((code, _)) => (*code).to_owned(),
        };
        DELIVERED
            .lock()
            .unwrap()
            .get_or_insert_with(HashMap::new)
            .entry(id)
            .or_default()
            .push(what);
    }

    fn delivered(id: jlong) -> Vec<String> {
        DELIVERED
            .lock()
            .unwrap()
            .as_ref()
            .and_then(|m| m.get(&id).cloned())
            .unwrap_or_default()
    }

    #[test]
    fn a_result_is_delivered_once() {
        Completion {
            id: 1,
            delivered: false,
        }
        .finish(Err(siteverify::Error::cancelled()));
        assert_eq!(delivered(1), ["cancelled"]);
    }

    #[test]
    fn a_task_dropped_without_a_result_delivers_internal() {
        drop(Completion {
            id: 2,
            delivered: false,
        });
        assert_eq!(delivered(2), ["internal"]);
    }

    #[test]
    fn a_panicking_task_still_completes_exactly_once() {
        let completion = Completion {
            id: 3,
            delivered: false,
        };
        let task = siteverify::runtime::handle().spawn(async move {
            let _completion = completion;
            panic!("simulated bug inside a verification");
        });
        let joined = siteverify::runtime::block_on(task).unwrap();
        assert!(joined.unwrap_err().is_panic());
        assert_eq!(delivered(3), ["internal"]);
    }

    #[test]
    fn an_injected_panic_in_the_core_completes_once_with_internal() {
        let mut b = Client::builder(Provider::GateKeeper);
        b.secret("s".to_owned());
        b.endpoint("http://127.0.0.1:9/api/v1/token/verify".to_owned());
        let client = b.build().unwrap();
        siteverify::fault::arm_injected_panic(true);
        let task = spawn_verification(
            client,
            siteverify::fault::PANIC_TOKEN.as_bytes().to_vec(),
            VerifyOptions::default(),
            Arc::new(Notify::new()),
            Completion {
                id: 4,
                delivered: false,
            },
        );
        let joined = siteverify::runtime::block_on(task).unwrap();
        siteverify::fault::arm_injected_panic(false);
        joined.unwrap();
        assert_eq!(delivered(4), ["internal"]);
    }
}
