/* ABI contract tests: NULL and invalid UTF-8 arguments, versions, cancel (async and blocking),
 * threads sharing a client, fork, shared clients, stats.
 * Usage: test_abi MOCK_BASE_URL */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static char g_prosopo[512];
static char g_gatekeeper[512];

static const sv_client *make_client(const char *endpoint, int provider) {
  sv_client_builder *b = NULL;
  const sv_client *c = NULL;
  sv_client_builder_new(provider, &b);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, endpoint);
  sv_status st = sv_client_builder_build(b, &c, NULL);
  sv_client_builder_free(b);
  CHECK(st == SV_OK && c, "build: %s", sv_status_str(st));
  return c;
}

static int verify_accepted(const sv_client *c, const char *token) {
  sv_outcome *o = NULL;
  sv_status st = sv_client_verify(c, token, strlen(token), NULL, &o, NULL);
  int accepted = st == SV_OK && sv_outcome_accepted(o);
  sv_outcome_free(o);
  return accepted;
}

static void test_versions(void) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", SV_VERSION_MAJOR, SV_VERSION_MINOR, SV_VERSION_PATCH);
  CHECK(!strcmp(sv_version(), want), "sv_version %s vs macros %s", sv_version(), want);
  CHECK(!strcmp(sv_version(), SV_VERSION), "sv_version %s vs SV_VERSION %s", sv_version(), SV_VERSION);
  CHECK(sv_abi_version() == SV_ABI_VERSION, "abi %u", sv_abi_version());
  CHECK(!strcmp(sv_status_str(SV_OK), "ok"), "ok");
  CHECK(!strcmp(sv_status_str(SV_INVALID_ARGUMENT), "invalid-argument"), "invalid-argument");
  CHECK(!strcmp(sv_status_str(12345), "unknown"), "unknown status");
  CHECK(!strcmp(sv_reason_str(SV_REASON_AMBIGUOUS_RETRY), "ambiguous-retry"), "reason str");
  CHECK(sv_reason_str(99) == NULL, "unknown reason");
}

static void test_null_and_utf8(void) {
  sv_client_builder *b = NULL;
  CHECK(sv_client_builder_new(SV_PROVIDER_PROSOPO, NULL) == SV_NULL_ARGUMENT, "builder_out NULL");
  CHECK(sv_client_builder_new(42, &b) == SV_CONFIGURATION && b == NULL, "unknown provider leaves out-param alone");
  CHECK(sv_client_builder_new(SV_PROVIDER_PROSOPO, &b) == SV_OK && b, "builder");
  CHECK(sv_client_builder_set_secret(NULL, "x") == SV_NULL_ARGUMENT, "NULL builder");
  CHECK(sv_client_builder_set_secret(b, NULL) == SV_NULL_ARGUMENT, "NULL secret");
  CHECK(sv_client_builder_set_secret(b, "\xff\xfe") == SV_CONFIGURATION, "invalid UTF-8 secret");
  CHECK(sv_client_builder_set_fail_mode(b, 7) == SV_CONFIGURATION, "unknown fail mode");
  CHECK(sv_client_builder_set_on_fail_open(b, -1) == SV_CONFIGURATION, "unknown fail-open policy");

  /* No secret: a configuration error with a message, out-param untouched. */
  const sv_client *c = (const sv_client *)0x1;
  sv_error *err = NULL;
  CHECK(sv_client_builder_build(b, &c, &err) == SV_CONFIGURATION, "missing secret");
  CHECK(c == (const sv_client *)0x1, "client_out written on failure");
  CHECK(err && sv_error_code(err) == SV_CONFIGURATION && !strcmp(sv_error_name(err), "configuration"), "error object");
  CHECK(err && strstr(sv_error_message(err), "secret is required"), "message: %s", err ? sv_error_message(err) : "");
  sv_error_free(err);
  err = NULL;
  CHECK(sv_client_builder_build(b, NULL, &err) == SV_NULL_ARGUMENT && err, "NULL client_out");
  sv_error_free(err);
  err = NULL;

  /* The secret never shows in an error message. */
  sv_client_builder_set_secret(b, "sekrit-value-123");
  sv_client_builder_set_endpoint(b, "http://example.com/siteverify");
  CHECK(sv_client_builder_build(b, &c, &err) == SV_CONFIGURATION, "plain http refused");
  CHECK(err && !strstr(sv_error_message(err), "sekrit"), "secret in message");
  sv_error_free(err);
  sv_client_builder_free(b);

  c = make_client(g_prosopo, SV_PROVIDER_PROSOPO);
  sv_outcome *o = NULL;
  err = NULL;
  CHECK(sv_client_verify(NULL, "pass", 4, NULL, &o, &err) == SV_NULL_ARGUMENT && !o, "NULL client");
  sv_error_free(err);
  CHECK(sv_client_verify(c, NULL, 4, NULL, &o, NULL) == SV_NULL_ARGUMENT && !o, "NULL token with length");
  CHECK(sv_client_verify(c, "pass", 4, NULL, NULL, NULL) == SV_NULL_ARGUMENT, "NULL outcome_out");
  /* A token that is not UTF-8 is an invalid token: an outcome, rejected locally. */
  CHECK(sv_client_verify(c, "\xc3\x28", 2, NULL, &o, NULL) == SV_OK && o, "invalid UTF-8 token");
  CHECK(!sv_outcome_accepted(o) && sv_outcome_reason(o) == SV_REASON_TOKEN_INVALID && sv_outcome_attempts(o) == 0, "non-UTF-8 token rejected locally");
  sv_outcome_free(o);
  o = NULL;
  /* An empty token (NULL, 0) is a local rejection, not an argument error. */
  CHECK(sv_client_verify(c, NULL, 0, NULL, &o, NULL) == SV_OK && o, "empty token");
  CHECK(!sv_outcome_accepted(o) && sv_outcome_reason(o) == SV_REASON_TOKEN_INVALID && sv_outcome_attempts(o) == 0, "empty token rejected locally");
  CHECK(!strcmp(sv_outcome_event_level(o), "info"), "a rejection's event level: %s", sv_outcome_event_level(o));
  sv_outcome_free(o);
  o = NULL;
  /* A NUL inside the token is seen, not silently cut: "pass\0x" is not "pass". */
  CHECK(sv_client_verify(c, "pass\0x", 6, NULL, &o, NULL) == SV_OK, "token with NUL");
  CHECK(!sv_outcome_accepted(o) && sv_outcome_reason(o) == SV_REASON_TOKEN_INVALID && sv_outcome_attempts(o) == 0, "NUL token rejected locally");
  sv_outcome_free(o);
  o = NULL;
  sv_verify_options *opts = NULL;
  sv_verify_options_new(&opts);
  CHECK(sv_verify_options_set_remote_ip(opts, "\xff") == SV_INVALID_ARGUMENT, "invalid UTF-8 ip");
  CHECK(sv_verify_options_set_remote_ip(opts, "not-an-ip") == SV_OK, "ip stored");
  err = NULL;
  CHECK(sv_client_verify(c, "pass", 4, opts, &o, &err) == SV_INVALID_ARGUMENT && !o, "bad ip at verify");
  CHECK(err && !strcmp(sv_error_name(err), "invalid-argument"), "bad ip error");
  sv_error_free(err);
  sv_verify_options_free(opts);
  CHECK(sv_client_verify_async(c, "pass", 4, NULL, NULL, NULL, NULL, NULL) == SV_NULL_ARGUMENT, "NULL callback");

  /* Accessors on NULL are harmless. */
  CHECK(!sv_outcome_accepted(NULL) && sv_outcome_reason(NULL) == -1 && sv_outcome_to_json(NULL) == NULL &&
            sv_outcome_event_level(NULL) == NULL,
        "NULL outcome");
  CHECK(sv_error_code(NULL) == SV_NULL_ARGUMENT && sv_error_message(NULL) == NULL, "NULL error");
  CHECK(sv_task_cancel(NULL) == SV_NULL_ARGUMENT, "NULL task");
  sv_outcome_free(NULL);
  sv_error_free(NULL);
  sv_client_free(NULL);
  sv_client_builder_free(NULL);
  sv_verify_options_free(NULL);
  sv_stats_free(NULL);
  sv_task_free(NULL);
  sv_client_free(c);
}

static void test_cancel(void) {
  const sv_client *c = make_client(g_prosopo, SV_PROVIDER_PROSOPO);
  async_result r;
  async_result_init(&r);
  sv_task *task = NULL;
  CHECK(sv_client_verify_async(c, "hang", 4, NULL, on_verified, &r, &task, NULL) == SV_OK && task, "start");
  /* Freeing the client while the call runs is fine: the call holds its own reference. */
  sv_client_free(c);
  usleep(50 * 1000);
  CHECK(sv_task_cancel(task) == SV_OK, "cancel");
  async_result_wait(&r);
  CHECK(r.status == SV_CANCELLED && r.outcome == NULL && r.error && sv_error_code(r.error) == SV_CANCELLED, "cancelled: %s", sv_status_str(r.status));
  CHECK(sv_task_cancel(task) == SV_OK, "second cancel is a no-op");
  usleep(20 * 1000);
  CHECK(r.calls == 1, "callback ran %d times", r.calls);
  sv_task_free(task);
  async_result_destroy(&r);
}

/* sv_client_verify_cancellable: a blocking call a signal from another thread ends. */
typedef struct {
  const sv_client *client;
  const char *token;
  const sv_cancel *cancel;
  sv_status status;
  sv_outcome *outcome;
  sv_error *error;
} blocking_call;

static void *run_blocking(void *arg) {
  blocking_call *b = arg;
  b->outcome = NULL;
  b->error = NULL;
  b->status = sv_client_verify_cancellable(b->client, b->token, strlen(b->token), NULL, b->cancel, &b->outcome, &b->error);
  return NULL;
}

static int is_cancelled(const blocking_call *b) {
  return b->status == SV_CANCELLED && b->outcome == NULL && b->error && sv_error_code(b->error) == SV_CANCELLED;
}

static void blocking_call_clear(blocking_call *b) {
  sv_outcome_free(b->outcome);
  sv_error_free(b->error);
  b->outcome = NULL;
  b->error = NULL;
}

/* A single-use token unique to this process (the mock outlives one run of the suite). */
static void once_token(char *buf, size_t len, const char *what) {
  static int seq = 0;
  snprintf(buf, len, "pass:once:id=c-%ld-%s-%d", (long)getpid(), what, ++seq);
}

static void test_cancellable(void) {
  const sv_client *c = make_client(g_prosopo, SV_PROVIDER_PROSOPO);
  sv_cancel *cancel = NULL;
  sv_error *err = NULL;
  CHECK(sv_cancel_new(NULL, &err) == SV_NULL_ARGUMENT && err, "NULL cancel_out");
  sv_error_free(err);
  CHECK(sv_cancel_fire(NULL) == SV_NULL_ARGUMENT, "fire NULL");
  sv_cancel_free(NULL);

  /* Fired from another thread while the provider takes 30 s (the client's deadline is 10 s,
   * so without the cancel the call would end with a provider-unavailable outcome). */
  CHECK(sv_cancel_new(&cancel, NULL) == SV_OK && cancel, "new");
  blocking_call b = {c, "slow:ms=30000", cancel, SV_OK, NULL, NULL};
  pthread_t t;
  pthread_create(&t, NULL, run_blocking, &b);
  usleep(50 * 1000);
  CHECK(sv_cancel_fire(cancel) == SV_OK, "fire");
  pthread_join(t, NULL);
  CHECK(is_cancelled(&b), "cancelled from another thread: %s %s", sv_status_str(b.status),
        b.outcome ? sv_outcome_to_json(b.outcome) : "");
  blocking_call_clear(&b);
  CHECK(sv_cancel_fire(cancel) == SV_OK, "a second fire is a no-op");

  /* A fired signal stays fired: a later call given it is cancelled at once, before any request
   * (the single-use token is still unused afterwards). */
  char token[128];
  once_token(token, sizeof token, "prefired");
  b.token = token;
  run_blocking(&b);
  CHECK(is_cancelled(&b), "pre-fired: %s", sv_status_str(b.status));
  blocking_call_clear(&b);
  CHECK(verify_accepted(c, token), "the pre-fired call sent nothing");
  sv_cancel_free(cancel);

  /* NULL: sv_client_verify. */
  b.cancel = NULL;
  b.token = "pass";
  run_blocking(&b);
  CHECK(b.status == SV_OK && b.outcome && sv_outcome_accepted(b.outcome) && !b.error, "NULL signal: %s", sv_status_str(b.status));
  blocking_call_clear(&b);
  CHECK(sv_client_verify_cancellable(c, "pass", 4, NULL, NULL, NULL, NULL) == SV_NULL_ARGUMENT, "NULL outcome_out");
  CHECK(sv_client_verify_cancellable(NULL, "pass", 4, NULL, NULL, &b.outcome, NULL) == SV_NULL_ARGUMENT && !b.outcome, "NULL client");

  /* An unfired signal changes nothing; firing it after the call is harmless. */
  CHECK(sv_cancel_new(&cancel, NULL) == SV_OK, "new");
  b.cancel = cancel;
  once_token(token, sizeof token, "unfired");
  b.token = token;
  run_blocking(&b);
  CHECK(b.status == SV_OK && b.outcome && sv_outcome_accepted(b.outcome), "unfired: %s", sv_status_str(b.status));
  blocking_call_clear(&b);
  CHECK(sv_cancel_fire(cancel) == SV_OK, "fire after completion");
  b.token = token;
  run_blocking(&b);
  CHECK(is_cancelled(&b), "the next call with it: %s", sv_status_str(b.status));
  blocking_call_clear(&b);
  sv_cancel_free(cancel);

  /* One signal shared by calls on several threads: one fire ends them all. */
#define SHARED_CALLS 4
  CHECK(sv_cancel_new(&cancel, NULL) == SV_OK, "new");
  blocking_call calls[SHARED_CALLS];
  pthread_t threads[SHARED_CALLS];
  for (int i = 0; i < SHARED_CALLS; i++) {
    calls[i] = (blocking_call){c, "hang", cancel, SV_OK, NULL, NULL};
    pthread_create(&threads[i], NULL, run_blocking, &calls[i]);
  }
  usleep(50 * 1000);
  CHECK(sv_cancel_fire(cancel) == SV_OK, "fire shared");
  for (int i = 0; i < SHARED_CALLS; i++) {
    pthread_join(threads[i], NULL);
    CHECK(is_cancelled(&calls[i]), "shared call %d: %s", i, sv_status_str(calls[i].status));
    blocking_call_clear(&calls[i]);
  }
  sv_cancel_free(cancel);

  /* Cancelled calls are not outcomes; the client goes on verifying. */
  sv_stats *s = NULL;
  CHECK(sv_client_stats(c, &s) == SV_OK, "stats");
  CHECK(sv_stats_verifications(s) == 3, "verifications %llu", (unsigned long long)sv_stats_verifications(s));
  sv_stats_free(s);
  CHECK(verify_accepted(c, "pass"), "verifies after cancels");
  sv_client_free(c);
}

/* Blocking inside a callback would deadlock the library's threads: refused. */
typedef struct {
  async_result r;
  const sv_client *client;
  sv_status inner;
} nested;

static void on_nested(void *userdata, sv_status status, sv_outcome *outcome, sv_error *error) {
  nested *n = userdata;
  sv_outcome *o = NULL;
  sv_error *err = NULL;
  n->inner = sv_client_verify(n->client, "pass", 4, NULL, &o, &err);
  sv_outcome_free(o);
  sv_error_free(err);
  on_verified(&n->r, status, outcome, error);
}

static void test_blocking_in_callback(void) {
  nested n;
  async_result_init(&n.r);
  n.client = make_client(g_prosopo, SV_PROVIDER_PROSOPO);
  CHECK(sv_client_verify_async(n.client, "pass", 4, NULL, on_nested, &n, NULL, NULL) == SV_OK, "start");
  async_result_wait(&n.r);
  CHECK(n.r.status == SV_OK && sv_outcome_accepted(n.r.outcome), "outer verify");
  CHECK(n.inner == SV_BLOCKING_IN_ASYNC_CONTEXT, "inner blocking verify: %s", sv_status_str(n.inner));
  sv_client_free(n.client);
  async_result_destroy(&n.r);
}

#define THREADS 16
#define PER_THREAD 25

static void *worker(void *arg) {
  const sv_client *c = arg;
  long ok = 0;
  for (int i = 0; i < PER_THREAD; i++) ok += verify_accepted(c, "pass:score=0.1");
  return (void *)ok;
}

static void test_threads(void) {
  const sv_client *c = make_client(g_gatekeeper, SV_PROVIDER_GATEKEEPER);
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)c);
  long total = 0;
  for (int i = 0; i < THREADS; i++) {
    void *ok;
    pthread_join(t[i], &ok);
    total += (long)ok;
  }
  CHECK(total == THREADS * PER_THREAD, "%ld of %d accepted", total, THREADS * PER_THREAD);
  sv_stats *s = NULL;
  CHECK(sv_client_stats(c, &s) == SV_OK, "stats");
  CHECK(sv_stats_verifications(s) == THREADS * PER_THREAD && sv_stats_accepted(s) == THREADS * PER_THREAD, "counts %llu", (unsigned long long)sv_stats_verifications(s));
  CHECK(sv_stats_reason_count(s, SV_REASON_VERIFIED) == THREADS * PER_THREAD, "by reason");
  CHECK(strstr(sv_stats_to_json(s), "\"verifications\":400") != NULL, "json %s", sv_stats_to_json(s));
  sv_stats_free(s);
  sv_client_free(c);
}

static void test_fork(void) {
  const sv_client *c = make_client(g_prosopo, SV_PROVIDER_PROSOPO);
  CHECK(verify_accepted(c, "pass"), "parent verifies first");
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    sv_outcome *o = NULL;
    sv_status st = sv_client_verify(c, "pass", 4, NULL, &o, NULL);
    /* One attempt: a stale connection pool from the parent would time out and retry. */
    int ok = st == SV_OK && sv_outcome_accepted(o) && sv_outcome_attempts(o) == 1;
    if (!ok) fprintf(stderr, "child: %s %s\n", sv_status_str(st), o ? sv_outcome_to_json(o) : "");
    sv_outcome_free(o);
    sv_client_free(c);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child could not verify after fork");
  CHECK(verify_accepted(c, "pass"), "parent still verifies");
  sv_client_free(c);
}

/* Every option by name, typed as the caller has it; the core validates. */
static void test_generic_options(void) {
  sv_client_builder *b = NULL;
  sv_error *named = NULL;
  CHECK(sv_client_builder_new_named("no-such-provider", &b, &named) == SV_CONFIGURATION && b == NULL && named, "unknown name");
  CHECK(!strstr(sv_error_message(named), "no-such-provider"), "name not echoed");
  sv_error_free(named);
  CHECK(sv_client_builder_new_named("gatekeeper", &b, NULL) == SV_OK && b, "by name");
  CHECK(sv_client_builder_set_option_str(b, "secret", "mock-secret", NULL) == SV_OK, "secret");
  CHECK(sv_client_builder_set_option_str(b, "endpoint", g_gatekeeper, NULL) == SV_OK, "endpoint");
  CHECK(sv_client_builder_set_option_millis(b, "timeout", 5000, NULL) == SV_OK, "timeout");
  CHECK(sv_client_builder_set_option_i64(b, "max_retries", 1, NULL) == SV_OK, "max_retries");
  CHECK(sv_client_builder_set_option_f64(b, "score_threshold", 0.5, NULL) == SV_OK, "threshold");
  CHECK(sv_client_builder_set_option_str(b, "expected_hostnames", "example.com", NULL) == SV_OK, "hostname");
  CHECK(sv_client_builder_set_option_str(b, "fail_mode", "open", NULL) == SV_OK, "fail mode");
  CHECK(sv_client_builder_set_option_bool(b, "allow_http", false, NULL) == SV_OK, "allow_http");
  /* Mistakes: one code, a message naming the option, never the value. */
  sv_error *err = NULL;
  CHECK(sv_client_builder_set_option_millis(b, "timeout", -1, &err) == SV_CONFIGURATION && err, "negative duration");
  sv_error_free(err);
  err = NULL;
  CHECK(sv_client_builder_set_option_str(b, "fail_mode", "sk_live_secret", &err) == SV_CONFIGURATION, "bad choice");
  CHECK(err && !strstr(sv_error_message(err), "sk_live_secret"), "value not echoed: %s", err ? sv_error_message(err) : "");
  sv_error_free(err);
  CHECK(sv_client_builder_set_option_i64(b, "allow_http", 1, NULL) == SV_CONFIGURATION, "wrong type");
  CHECK(sv_client_builder_set_option_bool(b, "no_such_option", true, NULL) == SV_CONFIGURATION, "unknown option");
  CHECK(sv_client_builder_set_option_str(b, NULL, "x", NULL) == SV_NULL_ARGUMENT, "NULL name");
  const sv_client *c = NULL;
  CHECK(sv_client_builder_build(b, &c, NULL) == SV_OK, "build");
  sv_client_builder_free(b);
  sv_outcome *o = NULL;
  CHECK(verify_accepted(c, "pass:hostname=example.com:score=0.2"), "verify");
  sv_outcome_free(o);
  CHECK(sv_client_verify(c, "fail", 4, NULL, &o, NULL) == SV_OK && !sv_outcome_accepted(o), "fail");
  sv_outcome_free(o);
  sv_stats *s = NULL;
  sv_client_stats(c, &s);
  CHECK(sv_stats_error_key_len(s) == 1, "one key");
  CHECK(!strcmp(sv_stats_error_key_at(s, 0), "invalid-input-response"), "key at 0");
  CHECK(sv_stats_error_key_at(s, 1) == NULL, "out of range");
  CHECK(sv_stats_error_key_count(s, "invalid-input-response") == 1, "count");
  CHECK(sv_stats_error_key_count(s, "nope") == 0 && sv_stats_error_key_count(s, NULL) == 0, "absent");
  CHECK(sv_stats_outage_probes(s) == 0 && sv_stats_outage_accepted(s) == 0, "outage counters");
  CHECK(!strcmp(sv_stats_provider_health(s), "up"), "health %s", sv_stats_provider_health(s));
  sv_stats_free(s);
  sv_client_free(c);
}

/* The typed setters (one per option, generated from the core's table) reach the core's
 * generic setter: what the core refuses at build names the option they set. */
static void build_refuses(sv_client_builder *b, const char *option) {
  const sv_client *c = NULL;
  sv_error *err = NULL;
  CHECK(sv_client_builder_build(b, &c, &err) == SV_CONFIGURATION && !c, "%s refused", option);
  CHECK(err && strstr(sv_error_message(err), option), "%s: %s", option, err ? sv_error_message(err) : "");
  sv_error_free(err);
}

static void test_typed_setters(void) {
  sv_client_builder *b = NULL;
  sv_client_builder_new(SV_PROVIDER_PROSOPO, &b);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, g_prosopo);
  CHECK(sv_client_builder_set_site_key(b, "k") == SV_OK, "site_key");
  build_refuses(b, "site_key");
  sv_client_builder_free(b);

  sv_client_builder_new(SV_PROVIDER_PROSOPO, &b);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, g_prosopo);
  CHECK(sv_client_builder_set_project_id(b, "p") == SV_OK, "project_id");
  CHECK(sv_client_builder_set_project_id(b, NULL) == SV_NULL_ARGUMENT, "NULL project_id");
  build_refuses(b, "project_id");
  sv_client_builder_free(b);

  /* A first backoff ceiling above the default cap (2 s) is refused until the cap is raised. */
  sv_client_builder_new(SV_PROVIDER_PROSOPO, &b);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, g_prosopo);
  CHECK(sv_client_builder_set_retry_base_delay_ms(b, 3000) == SV_OK, "retry_base_delay_ms");
  build_refuses(b, "backoff");
  CHECK(sv_client_builder_set_retry_max_delay_ms(NULL, 1) == SV_NULL_ARGUMENT, "NULL builder");
  CHECK(sv_client_builder_set_retry_max_delay_ms(b, 5000) == SV_OK, "retry_max_delay_ms");
  const sv_client *c = NULL;
  CHECK(sv_client_builder_build(b, &c, NULL) == SV_OK && c, "backoff 3 s, cap 5 s");
  sv_client_free(c);
  sv_client_builder_free(b);
}

/* One event per verification, on the verifying thread; never the secret or the token. */
typedef struct {
  pthread_mutex_t lock;
  int count;
  char last[2048];
} events;

static void on_event(void *userdata, const char *json) {
  events *e = userdata;
  pthread_mutex_lock(&e->lock);
  e->count++;
  snprintf(e->last, sizeof e->last, "%s", json);
  pthread_mutex_unlock(&e->lock);
}

static void test_event_callback(void) {
  events e = {.lock = PTHREAD_MUTEX_INITIALIZER};
  sv_client_builder *b = NULL;
  sv_client_builder_new_named("gatekeeper", &b, NULL);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, g_gatekeeper);
  CHECK(sv_client_builder_set_event_callback(b, on_event, &e) == SV_OK, "set callback");
  const sv_client *c = NULL;
  sv_client_builder_build(b, &c, NULL);
  sv_client_builder_free(b);
  CHECK(verify_accepted(c, "pass:id=an-event-token-value"), "verify");
  CHECK(e.count == 1, "one event, got %d", e.count);
  CHECK(strstr(e.last, "\"reason\":\"verified\"") && strstr(e.last, "\"provider\":\"gatekeeper\"") &&
            strstr(e.last, "\"token_fingerprint\":\"") && strstr(e.last, "\"level\":\"debug\""),
        "event %s", e.last);
  CHECK(!strstr(e.last, "mock-secret") && !strstr(e.last, "an-event-token-value"), "no secret or token: %s", e.last);
  async_result r;
  async_result_init(&r);
  sv_client_verify_async(c, "fail", 4, NULL, on_verified, &r, NULL, NULL);
  async_result_wait(&r);
  async_result_destroy(&r);
  CHECK(e.count == 2 && strstr(e.last, "token-invalid") && strstr(e.last, "\"level\":\"info\""), "async event %s", e.last);
  /* The event's level is the core's, the same as sv_outcome_event_level. */
  sv_outcome *o = NULL;
  CHECK(sv_client_verify(c, "error:key=invalid-input-secret:status=401", 41, NULL, &o, NULL) == SV_OK && o, "refused");
  CHECK(sv_outcome_reason(o) == SV_REASON_PROVIDER_REJECTED_REQUEST && !strcmp(sv_outcome_event_level(o), "warn"),
        "a refused request's level: %s", sv_outcome_to_json(o));
  CHECK(e.count == 3 && strstr(e.last, "\"level\":\"warn\""), "refused event %s", e.last);
  sv_outcome_free(o);
  CHECK(sv_client_builder_set_event_callback(NULL, on_event, &e) == SV_NULL_ARGUMENT, "NULL builder");
  sv_client_free(c);
}

/* The in-process mock: what an application's own tests use instead of a binary. */
static void test_in_process_mock(void) {
  /* Not under valgrind: ring's assembly AES-GCM reads memory valgrind believes uninitialised, and
   * the mock's runtime stops its threads in the background. Plain and ASan runs cover it. */
  if (getenv("SV_TEST_UNDER_VALGRIND")) return;
  for (int tls = 0; tls <= 1; tls++) {
    sv_mock *m = NULL;
    CHECK(sv_mock_start("app-test-secret", tls, &m, NULL) == SV_OK && m, "start (tls %d)", tls);
    CHECK(!strncmp(sv_mock_url(m), tls ? "https://127.0.0.1:" : "http://127.0.0.1:", tls ? 18 : 17), "url %s", sv_mock_url(m));
    CHECK((sv_mock_ca_pem(m) != NULL) == tls, "ca pem only with tls");
    CHECK(sv_mock_endpoint(m, "nope") == NULL && sv_mock_endpoint(m, NULL) == NULL, "unknown provider");
    sv_client_builder *b = NULL;
    sv_client_builder_new_named("gatekeeper", &b, NULL);
    sv_client_builder_set_secret(b, "app-test-secret");
    sv_client_builder_set_endpoint(b, sv_mock_endpoint(m, "gatekeeper"));
    if (tls) sv_client_builder_add_ca_pem(b, sv_mock_ca_pem(m));
    const sv_client *c = NULL;
    CHECK(sv_client_builder_build(b, &c, NULL) == SV_OK, "build");
    sv_client_builder_free(b);
    CHECK(verify_accepted(c, "pass"), "pass (tls %d)", tls);
    CHECK(!verify_accepted(c, "fail"), "fail");
    CHECK(!verify_accepted(c, ""), "empty token: no request");
    CHECK(sv_mock_requests(m) == 2, "requests %llu", (unsigned long long)sv_mock_requests(m));
    sv_client_free(c);
    sv_mock_free(m);
  }
  sv_mock_free(NULL);
  CHECK(sv_mock_start(NULL, false, NULL, NULL) == SV_NULL_ARGUMENT, "NULL out");
}

/* A panic inside a verification completes every entry point exactly once. */
static void test_injected_panic(void) {
  const sv_client *c = make_client(g_prosopo, SV_PROVIDER_PROSOPO);
  const char *token = sv_testing_panic_token();
  sv_testing_arm_injected_panic(true);
  sv_outcome *o = NULL;
  sv_error *err = NULL;
  CHECK(sv_client_verify(c, token, strlen(token), NULL, &o, &err) == SV_INTERNAL && o == NULL && err, "blocking: internal");
  sv_error_free(err);
  async_result r;
  async_result_init(&r);
  CHECK(sv_client_verify_async(c, token, strlen(token), NULL, on_verified, &r, NULL, NULL) == SV_OK, "start");
  async_result_wait(&r);
  usleep(20 * 1000);
  CHECK(r.calls == 1 && r.status == SV_INTERNAL && r.outcome == NULL && r.error, "async: %d calls, %s", r.calls, sv_status_str(r.status));
  async_result_destroy(&r);
  sv_testing_arm_injected_panic(false);
  CHECK(verify_accepted(c, "pass"), "the client verifies after a panic");
  sv_client_free(c);
}

static void test_shared(void) {
  sv_client_builder *b = NULL;
  sv_client_builder_new(SV_PROVIDER_GATEKEEPER, &b);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, g_gatekeeper);
  const sv_client *a = NULL, *a2 = NULL, *other = NULL;
  CHECK(sv_client_builder_build_shared(b, &a, NULL) == SV_OK, "shared a");
  CHECK(sv_client_builder_build_shared(b, &a2, NULL) == SV_OK, "shared a2");
  CHECK(a == a2, "same options give the same client");
  sv_client_builder_set_score_threshold(b, 0.5);
  CHECK(sv_client_builder_build_shared(b, &other, NULL) == SV_OK && other != a, "other options, other client");
  CHECK(verify_accepted(a, "pass:score=0.2") && verify_accepted(a2, "pass:score=0.2"), "verify");
  sv_stats *s = NULL;
  sv_client_stats(a2, &s);
  CHECK(sv_stats_verifications(s) == 2, "one client behind both handles");
  sv_stats_free(s);
  CHECK(!strncmp(sv_client_endpoint(a), "http://127.0.0.1:", 17), "endpoint %s", sv_client_endpoint(a));
  CHECK(!strcmp(sv_client_provider(a), "gatekeeper") && sv_client_provider(NULL) == NULL, "provider name");
  sv_shared_clients_clear();
  const sv_client *fresh = NULL;
  CHECK(sv_client_builder_build_shared(b, &fresh, NULL) == SV_OK && fresh != other, "cleared cache builds anew");
  CHECK(verify_accepted(a, "pass:score=0.2"), "a held client survives the clear");
  sv_client_free(fresh);
  sv_shared_clients_clear();
  sv_client_free(a);
  sv_client_free(a2);
  sv_client_free(other);
  sv_client_builder_free(b);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MOCK_URL\n", argv[0]);
    return 2;
  }
  snprintf(g_prosopo, sizeof g_prosopo, "%s/siteverify", argv[1]);
  snprintf(g_gatekeeper, sizeof g_gatekeeper, "%s/api/v1/token/verify", argv[1]);
  test_versions();
  test_null_and_utf8();
  test_cancel();
  test_cancellable();
  test_blocking_in_callback();
  test_threads();
  test_fork();
  test_shared();
  test_injected_panic();
  test_generic_options();
  test_typed_setters();
  test_event_callback();
  test_in_process_mock();
  return finish("c abi");
}
