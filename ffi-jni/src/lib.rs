//! `libsiteverify_jni`: the JNI glue of the Java binding (`org.siteverify.JniBackend`), the
//! path Java 17 to 21 take (Java 22+ uses `java.lang.foreign` over libsiteverify's C ABI).
//!
//! It translates and decides nothing. It calls the core's public API (`ClientBuilder::set_option`,
//! `Client::verify_bytes`, the shared runtime) and hands back the core's own words: every option
//! value goes to the core's generic setter as Java typed it (a `Duration` as `OptionValue::Nanos`),
//! so the core validates it and chooses the error; an outcome or stats snapshot comes back as the
//! Java record, built field by field through `JniBackend.outcome` / `JniBackend.stats` from the
//! core's typed values; an error as the core's stable code and message. The Java side maps those
//! to the same records and exceptions the FFM path produces.
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
use std::sync::{Arc, OnceLock};

use jni::objects::{
    GlobalRef, JByteArray, JClass, JObject, JObjectArray, JStaticMethodID, JString, JValue, JValueOwned,
};
use jni::signature::{Primitive, ReturnType};
use jni::sys::{jboolean, jdouble, jint, jlong, jobject, jstring, jvalue, JNI_TRUE};
use jni::{JNIEnv, JavaVM};
use tokio::sync::Notify;
use zeroize::Zeroize;

use siteverify::{
    Client, ClientBuilder, OptionValue, Outcome, Provider, Reason, StatsSnapshot, VerificationEvent, VerifyOptions,
};
use siteverify_mock::{MockConfig, MockServer, TlsOptions};

/// The exception every failure is thrown as; the Java side maps its code to the typed exceptions.
const FAILURE_CLASS: &str = "org/siteverify/JniBackend$Failure";
/// `static void onVerified(long id, Outcome outcome, String code, String message)`.
const ON_VERIFIED: (&str, &str) = (
    "onVerified",
    "(JLorg/siteverify/Outcome;Ljava/lang/String;Ljava/lang/String;)V",
);

/// `static void onEvent(long events, String provider, Outcome outcome, double latencyMillis, String fingerprint,
/// String level)`.
const ON_EVENT: (&str, &str) = (
    "onEvent",
    "(JLjava/lang/String;Lorg/siteverify/Outcome;DLjava/lang/String;Ljava/lang/String;)V",
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

/// `static Outcome outcome(boolean accepted, boolean verified, boolean conclusive, String reason,
/// boolean hasScore, double score, String hostname, String action, String challengeTs,
/// String timestamp, String errorKey, String[] errorCodes, String providerReason, int httpStatus,
/// boolean retryable, int attempts, boolean failOpenSuspected, String detail)`.
const OUTCOME: (&str, &str) = (
    "outcome",
    "(ZZZLjava/lang/String;ZDLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;\
     Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;IZIZLjava/lang/String;)Lorg/siteverify/Outcome;",
);
/// `static Stats stats(long verifications, long accepted, long notAccepted, long inconclusive,
/// long failOpenSuspected, long retries, long errors, long outageAccepted, long outageRefused,
/// long outageProbes, String providerHealth, String[] reasons, long[] reasonCounts,
/// String[] errorKeys, long[] errorKeyCounts, String json)`: the histograms and `by_attempts`
/// are read from the snapshot's JSON, as the FFM path reads them from `sv_stats_to_json`.
const STATS: (&str, &str) = (
    "stats",
    "(JJJJJJJJJJLjava/lang/String;[Ljava/lang/String;[J[Ljava/lang/String;[JLjava/lang/String;)Lorg/siteverify/Stats;",
);

/// What completions need on any thread: the VM, and `JniBackend` with its callback and the
/// record factories.
struct Globals {
    vm: JavaVM,
    class: GlobalRef,
    on_verified: JStaticMethodID,
    on_event: JStaticMethodID,
    outcome: JStaticMethodID,
    stats: JStaticMethodID,
}

fn globals() -> Result<&'static Globals> {
    GLOBALS
        .get()
        .ok_or_else(|| Fail::new("internal", "siteverify-jni was not initialised"))
}

/// Calls one of `JniBackend`'s static factories; a Java exception stays pending (`JavaPending`).
fn call_factory<'l>(env: &mut JNIEnv<'l>, method: JStaticMethodID, args: &[jvalue]) -> Result<JObject<'l>> {
    let g = globals()?;
    let class: &JClass = g.class.as_obj().into();
    // SAFETY: the method ids come from `init` for these signatures, and every caller passes
    // arguments of exactly the signature's types.
    let value = unsafe { env.call_static_method_unchecked(class, method, ReturnType::Object, args) }?;
    match value {
        JValueOwned::Object(o) => Ok(o),
        _ => Err(Fail::new("internal", "a JniBackend factory returned no object")),
    }
}

fn opt_java_string<'l>(env: &mut JNIEnv<'l>, s: Option<&str>) -> Result<JObject<'l>> {
    Ok(match s {
        Some(s) => env.new_string(s)?.into(),
        None => JObject::null(),
    })
}

fn string_array<'l>(
    env: &mut JNIEnv<'l>,
    items: impl ExactSizeIterator<Item = impl AsRef<str>>,
) -> Result<JObjectArray<'l>> {
    let len = jint::try_from(items.len()).map_err(|_| Fail::new("internal", "too many strings"))?;
    let array = env.new_object_array(len, "java/lang/String", JObject::null())?;
    for (i, item) in items.enumerate() {
        let s = env.new_string(item.as_ref())?;
        env.set_object_array_element(&array, i as jint, &s)?;
        env.delete_local_ref(s)?;
    }
    Ok(array)
}

/// The Java `Outcome` record of a core outcome, field by field (no JSON in between).
fn java_outcome<'l>(env: &mut JNIEnv<'l>, o: &Outcome) -> Result<JObject<'l>> {
    let reason = env.new_string(o.reason.as_str())?;
    let hostname = opt_java_string(env, o.hostname.as_deref())?;
    let action = opt_java_string(env, o.action.as_deref())?;
    let challenge_ts = opt_java_string(env, o.challenge_ts.as_deref())?;
    let timestamp = opt_java_string(env, o.timestamp.as_deref())?;
    let error_key = opt_java_string(env, o.error_key.as_deref())?;
    let error_codes = string_array(env, o.error_codes.iter())?;
    let provider_reason = opt_java_string(env, o.provider_reason.as_deref())?;
    let detail = opt_java_string(env, o.detail.as_deref())?;
    let method = globals()?.outcome;
    call_factory(
        env,
        method,
        &[
            JValue::Bool(o.accepted.into()).as_jni(),
            JValue::Bool(o.verified.into()).as_jni(),
            JValue::Bool(o.conclusive.into()).as_jni(),
            JValue::Object(&reason).as_jni(),
            JValue::Bool(o.score.is_some().into()).as_jni(),
            JValue::Double(o.score.unwrap_or(0.0)).as_jni(),
            JValue::Object(&hostname).as_jni(),
            JValue::Object(&action).as_jni(),
            JValue::Object(&challenge_ts).as_jni(),
            JValue::Object(&timestamp).as_jni(),
            JValue::Object(&error_key).as_jni(),
            JValue::Object(&error_codes).as_jni(),
            JValue::Object(&provider_reason).as_jni(),
            JValue::Int(o.http_status.map_or(0, jint::from)).as_jni(),
            JValue::Bool(o.retryable.into()).as_jni(),
            JValue::Int(jint::try_from(o.attempts).unwrap_or(jint::MAX)).as_jni(),
            JValue::Bool(o.fail_open_suspected.into()).as_jni(),
            JValue::Object(&detail).as_jni(),
        ],
    )
}

fn counts<'l>(env: &mut JNIEnv<'l>, values: &[u64]) -> Result<jni::objects::JLongArray<'l>> {
    let values: Vec<i64> = values.iter().map(|&n| i64::try_from(n).unwrap_or(i64::MAX)).collect();
    let len = jint::try_from(values.len()).map_err(|_| Fail::new("internal", "too many counters"))?;
    let array = env.new_long_array(len)?;
    env.set_long_array_region(&array, 0, &values)?;
    Ok(array)
}

/// The Java `Stats` record of a snapshot, field by field.
fn java_stats<'l>(env: &mut JNIEnv<'l>, s: &StatsSnapshot) -> Result<JObject<'l>> {
    let long = |n: u64| JValue::Long(i64::try_from(n).unwrap_or(i64::MAX));
    let health = env.new_string(&s.provider_health)?;
    let reasons = string_array(env, s.by_reason.keys())?;
    let reason_counts = counts(env, &s.by_reason.values().copied().collect::<Vec<_>>())?;
    let keys = string_array(env, s.by_error_key.keys())?;
    let key_counts = counts(env, &s.by_error_key.values().copied().collect::<Vec<_>>())?;
    let json = env.new_string(s.to_json())?;
    let method = globals()?.stats;
    call_factory(
        env,
        method,
        &[
            long(s.verifications).as_jni(),
            long(s.accepted).as_jni(),
            long(s.not_accepted).as_jni(),
            long(s.inconclusive).as_jni(),
            long(s.fail_open_suspected).as_jni(),
            long(s.retries).as_jni(),
            long(s.errors).as_jni(),
            long(s.outage_accepted).as_jni(),
            long(s.outage_refused).as_jni(),
            long(s.outage_probes).as_jni(),
            JValue::Object(&health).as_jni(),
            JValue::Object(&reasons).as_jni(),
            JValue::Object(&reason_counts).as_jni(),
            JValue::Object(&keys).as_jni(),
            JValue::Object(&key_counts).as_jni(),
            JValue::Object(&json).as_jni(),
        ],
    )
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
            let on_event = env.get_static_method_id(&class, ON_EVENT.0, ON_EVENT.1)?;
            let outcome = env.get_static_method_id(&class, OUTCOME.0, OUTCOME.1)?;
            let stats = env.get_static_method_id(&class, STATS.0, STATS.1)?;
            let _ = GLOBALS.set(Globals {
                vm,
                class: class_ref,
                on_verified,
                on_event,
                outcome,
                stats,
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

/// `ClientOption.Kind.wire`: how `builderSet0`'s value arrives.
const KIND_TEXT: jint = 0;
const KIND_BOOL: jint = 1;
const KIND_WHOLE: jint = 2;
const KIND_NUMBER: jint = 3;
const KIND_DURATION: jint = 4;

/// A builder for the provider the core knows by `provider` (an unknown name is the core's
/// `configuration` error); free it with `builderFree0`.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_builderNew0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    provider: JString<'l>,
) -> jlong {
    boundary(&mut env, 0, |env| {
        if provider.is_null() {
            return Err(Fail::new("null-argument", "provider is null"));
        }
        let name: String = env.get_string(&provider)?.into();
        let provider: Provider = name.parse()?;
        Ok(Box::into_raw(Box::new(Client::builder(provider))) as jlong)
    })
}

/// # Safety
/// `builder` is 0 or a live handle from `builderNew0`, used by one thread at a time.
unsafe fn builder_mut<'a>(builder: jlong) -> Result<&'a mut ClientBuilder> {
    (builder as *mut ClientBuilder)
        .as_mut()
        .ok_or_else(|| Fail::new("null-argument", "builder is null"))
}

/// Hands one option to the core's generic setter, `ClientBuilder::set_option`, as Java typed it;
/// the core validates and converts it, and every mistake is its `configuration` error.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_org_siteverify_JniBackend_builderSet0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    builder: jlong,
    name: JString<'l>,
    kind: jint,
    text: JByteArray<'l>,
    whole: jlong,
    nanos: jint,
    real: jdouble,
) {
    boundary(&mut env, (), |env| {
        // SAFETY: the Java side owns the builder for the duration of `build`.
        let b = unsafe { builder_mut(builder)? };
        if name.is_null() {
            return Err(Fail::new("null-argument", "option name is null"));
        }
        // The name is the binding's own constant, never a value.
        let name: String = env.get_string(&name)?.into();
        let mut owned = String::new();
        let value = match kind {
            KIND_TEXT => {
                owned = utf8(bytes(env, &text, "option value")?, "option value")?;
                OptionValue::Text(&owned)
            }
            KIND_BOOL => OptionValue::Bool(whole != 0),
            KIND_WHOLE => OptionValue::Int(whole),
            KIND_NUMBER => OptionValue::Float(real),
            KIND_DURATION => OptionValue::Nanos(i128::from(whole) * 1_000_000_000 + i128::from(nanos)),
            _ => return Err(Fail::new("internal", "unknown option kind")),
        };
        let result = b.set_option(&name, value).map(|_| ()).map_err(Fail::from);
        owned.zeroize(); // the core copied it (a secret into its zeroizing copy)
        result
    })
}

/// Builds a client from a builder (which stays the caller's to free) and returns its handle.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_builderBuild0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    builder: jlong,
) -> jlong {
    boundary(&mut env, 0, |_| {
        // SAFETY: as in builderSet0.
        let b = unsafe { builder_mut(builder)? };
        let client = b.build()?;
        Ok(Box::into_raw(Box::new(client)) as jlong)
    })
}

/// Sets the builder's event hook: after every verification it calls `JniBackend.onEvent(events, ...)`
/// on the verifying thread (see [`deliver_event`]).
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_builderOnEvent0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    builder: jlong,
    events: jlong,
) {
    boundary(&mut env, (), |_| {
        // SAFETY: as in builderSet0.
        let b = unsafe { builder_mut(builder)? };
        globals()?;
        b.on_event(move |e| deliver_event(events, e));
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_builderFree0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    builder: jlong,
) {
    boundary(&mut env, (), |_| {
        if builder != 0 {
            // SAFETY: from Box::into_raw in `builderNew0`; the Java side frees each builder once.
            drop(unsafe { Box::from_raw(builder as *mut ClientBuilder) });
        }
        Ok(())
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

/// Verifies, blocking the calling thread; returns the `Outcome` record. When `json` is not null
/// (tests), its first element receives the core's JSON of the outcome, to cross-check the record.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_verify0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
    token: JByteArray<'l>,
    remote_ip: JByteArray<'l>,
    email: JByteArray<'l>,
    json: JObjectArray<'l>,
) -> jobject {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: the Java side holds a reference for the call.
        let client = unsafe { client_ref(client)? };
        let token = bytes(env, &token, "token")?;
        let options = options(env, &remote_ip, &email)?;
        let outcome = siteverify::runtime::block_on(client.verify_bytes(&token, &options))??;
        if !json.is_null() {
            let text = env.new_string(outcome.to_json())?;
            env.set_object_array_element(&json, 0, &text)?;
        }
        Ok(java_outcome(env, &outcome)?.into_raw())
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
        globals()?;
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

/// The client's counters, as the `Stats` record.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_stats0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    client: jlong,
) -> jobject {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: the Java side holds a reference for the call.
        let client = unsafe { client_ref(client)? };
        Ok(java_stats(env, &client.stats())?.into_raw())
    })
}

// ---- the mock provider in-process (org.siteverify.testing.MockProvider) ----

/// Starts a mock provider accepting `secret` (null: the mock's default), HTTPS with a CA generated
/// now when `tls`; returns its handle (free it with `mockFree0`).
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_mockStart0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    secret: JByteArray<'l>,
    tls: jboolean,
) -> jlong {
    boundary(&mut env, 0, |env| {
        let mut config = MockConfig::default();
        if let Some(secret) = opt_string(env, &secret, "secret")? {
            config.secrets = vec![secret];
        }
        let started = if tls == JNI_TRUE {
            MockServer::start_tls(config, TlsOptions::default())
        } else {
            MockServer::start(config)
        };
        let server = started.map_err(|e| Fail::new("internal", format!("cannot start the mock provider: {e}")))?;
        Ok(Box::into_raw(Box::new(server)) as jlong)
    })
}

/// # Safety
/// `mock` is 0 or a live handle from `mockStart0` (the Java side frees it once, after its last use).
unsafe fn mock_ref<'a>(mock: jlong) -> Result<&'a MockServer> {
    (mock as *const MockServer)
        .as_ref()
        .ok_or_else(|| Fail::new("null-argument", "mock is null"))
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_mockUrl0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    mock: jlong,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: see mock_ref.
        let url = unsafe { mock_ref(mock)? }.url();
        java_string(env, &url)
    })
}

/// The verify URL for the provider named `provider`, or null for one the mock does not serve.
#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_mockEndpoint0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    mock: jlong,
    provider: JString<'l>,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: see mock_ref.
        let m = unsafe { mock_ref(mock)? };
        if provider.is_null() {
            return Err(Fail::new("null-argument", "provider is null"));
        }
        let name: String = env.get_string(&provider)?.into();
        match m.endpoint(&name) {
            Some(url) => java_string(env, &url),
            None => Ok(std::ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_mockCaPem0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    mock: jlong,
) -> jstring {
    boundary(&mut env, std::ptr::null_mut(), |env| {
        // SAFETY: see mock_ref.
        match unsafe { mock_ref(mock)? }.ca_pem() {
            Some(pem) => java_string(env, pem),
            None => Ok(std::ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_mockRequests0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    mock: jlong,
) -> jlong {
    boundary(&mut env, 0, |_| {
        // SAFETY: see mock_ref.
        let n = unsafe { mock_ref(mock)? }.stats().requests;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    })
}

#[no_mangle]
pub extern "system" fn Java_org_siteverify_JniBackend_mockFree0<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    mock: jlong,
) {
    boundary(&mut env, (), |_| {
        if mock != 0 {
            // SAFETY: from Box::into_raw in `mockStart0`, freed once.
            drop(unsafe { Box::from_raw(mock as *mut MockServer) });
        }
        Ok(())
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

type Delivery = std::result::Result<Outcome, (&'static str, String)>;

impl Completion {
    fn finish(mut self, result: siteverify::Result<siteverify::Outcome>) {
        // Everything that could panic happens before `delivered` is set, so Drop covers it.
        let delivery: Delivery = result.map_err(|e| (e.code().as_str(), e.message().to_owned()));
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

/// The event hook: calls `JniBackend.onEvent` on the verifying thread, which is a runtime thread
/// (attached as a daemon, like [`deliver`]) or, during a blocking `verify0`, the Java caller's own
/// (already attached: its env is reused). Never panics (the core catches it anyway), never leaves
/// a Java exception pending: the caller's `verify0` must return its outcome untouched.
fn deliver_event(events: jlong, e: &VerificationEvent<'_>) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let Some(g) = GLOBALS.get() else { return };
        let Ok(mut env) = g.vm.attach_current_thread_as_daemon() else {
            return;
        };
        if env.exception_check().unwrap_or(true) {
            return; // never call into Java over a pending exception
        }
        let _ = env.with_local_frame(32, |env| -> jni::errors::Result<()> {
            let Ok(outcome) = java_outcome(env, e.outcome) else {
                return Ok(());
            };
            let provider = env.new_string(e.provider)?;
            let fingerprint = env.new_string(&e.token_fingerprint)?;
            let level = env.new_string(e.level.as_str())?;
            let class: &JClass = g.class.as_obj().into();
            // SAFETY: the method id and argument types match ON_EVENT.
            unsafe {
                env.call_static_method_unchecked(
                    class,
                    g.on_event,
                    ReturnType::Primitive(Primitive::Void),
                    &[
                        JValue::Long(events).as_jni(),
                        JValue::Object(&provider).as_jni(),
                        JValue::Object(&outcome).as_jni(),
                        JValue::Double(e.latency.as_secs_f64() * 1000.0).as_jni(),
                        JValue::Object(&fingerprint).as_jni(),
                        JValue::Object(&level).as_jni(),
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
        let _ = env.with_local_frame(32, |env| -> jni::errors::Result<()> {
            // An outcome that cannot become a record (out of memory, say) completes the future
            // with `internal` instead: it must complete exactly once.
            let made = match &delivery {
                Ok(outcome) => java_outcome(env, outcome).map_err(|_| ()),
                Err(_) => Ok(JObject::null()),
            };
            let (outcome, code, message): (JObject, JObject, JObject) = match (&delivery, made) {
                (Ok(_), Ok(outcome)) => (outcome, JObject::null(), JObject::null()),
                (Err((code, message)), _) => (
                    JObject::null(),
                    env.new_string(code)?.into(),
                    env.new_string(message)?.into(),
                ),
                (Ok(_), Err(())) => {
                    if env.exception_check().unwrap_or(false) {
                        let _ = env.exception_clear();
                    }
                    (
                        JObject::null(),
                        env.new_string("internal")?.into(),
                        env.new_string("the outcome could not be handed to Java")?.into(),
                    )
                }
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
                        JValue::Object(&outcome).as_jni(),
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
        b.set_option("secret", OptionValue::Text("s")).unwrap();
        b.set_option("endpoint", OptionValue::Text("http://127.0.0.1:9/api/v1/token/verify"))
            .unwrap();
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
