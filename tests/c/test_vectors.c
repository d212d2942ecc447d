/* Runs every case in tests/vectors/ through the C ABI, blocking and async,
 * comparing every listed field through the accessors.
 * Usage: test_vectors MOCK_BASE_URL VECTORS_DIR */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common.h"

static const char *g_mock;
static unsigned g_uniq = 0;

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  if (buf) buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Replaces every `needle` in `s` with `with`; returns a new string. */
static char *replace(const char *s, const char *needle, const char *with) {
  size_t count = 0, nl = strlen(needle), wl = strlen(with);
  for (const char *p = s; (p = strstr(p, needle)); p += nl) count++;
  char *out = malloc(strlen(s) + count * wl + 1), *o = out;
  const char *p = s, *hit;
  while ((hit = strstr(p, needle))) {
    memcpy(o, p, (size_t)(hit - p));
    o += hit - p;
    memcpy(o, with, wl);
    o += wl;
    p = hit + nl;
  }
  strcpy(o, p);
  return out;
}

/* Every config value goes through the generic setters, typed as JSON typed
 * it: the library alone decides what is a mistake. Vector keys name durations
 * with their unit (`timeout_ms`, `max_age_seconds`); the core names do not. */
/* The mock's default path per provider (tests/vectors/README.md). */
static const char *mock_path(const char *provider) {
  static const char *const paths[][2] = {
      {"prosopo", "/siteverify"},
      {"gatekeeper", "/api/v1/token/verify"},
      {"turnstile", "/turnstile/v0/siteverify"},
      {"hcaptcha", "/hcaptcha/siteverify"},
      {"recaptcha", "/recaptcha/api/siteverify"},
      {"recaptcha-enterprise", "/v1/projects/siteverify-mock/assessments"},
      {"friendly", "/api/v2/captcha/siteverify"},
      {"yandex", "/validate"},
  };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (!strcmp(provider, paths[i][0])) return paths[i][1];
  return "/no-such-provider";
}

static sv_status apply_config(sv_client_builder *b, const char *provider, const cJSON *cfg) {
  sv_status st = SV_OK;
  if (!cJSON_GetObjectItem(cfg, "secret")) st = sv_client_builder_set_option_str(b, "secret", "mock-secret", NULL);
  if (st == SV_OK && !cJSON_GetObjectItem(cfg, "endpoint") && !cJSON_GetObjectItem(cfg, "region")) {
    char e[512];
    snprintf(e, sizeof e, "%s%s", g_mock, mock_path(provider));
    st = sv_client_builder_set_option_str(b, "endpoint", e, NULL);
  }
  const cJSON *item;
  cJSON_ArrayForEach(item, cfg) {
    if (st != SV_OK) return st;
    char name[64];
    snprintf(name, sizeof name, "%s", item->string);
    size_t len = strlen(name);
    double scale = 0;
    if (len > 3 && !strcmp(name + len - 3, "_ms")) {
      name[len - 3] = '\0';
      scale = 1;
    } else if (len > 8 && !strcmp(name + len - 8, "_seconds")) {
      name[len - 8] = '\0';
      scale = 1000;
    }
    if (cJSON_IsNumber(item) && scale > 0) {
      st = sv_client_builder_set_option_millis(b, name, item->valuedouble * scale, NULL);
    } else if (cJSON_IsNumber(item)) {
      st = item->valuedouble == (double)(int64_t)item->valuedouble
               ? sv_client_builder_set_option_i64(b, name, (int64_t)item->valuedouble, NULL)
               : sv_client_builder_set_option_f64(b, name, item->valuedouble, NULL);
    } else if (cJSON_IsBool(item)) {
      st = sv_client_builder_set_option_bool(b, name, cJSON_IsTrue(item), NULL);
    } else if (cJSON_IsString(item) && !strcmp(name, "endpoint")) {
      char *e = replace(item->valuestring, "{mock}", g_mock);
      st = sv_client_builder_set_option_str(b, name, e, NULL);
      free(e);
    } else if (cJSON_IsString(item)) {
      st = sv_client_builder_set_option_str(b, name, item->valuestring, NULL);
    } else if (cJSON_IsArray(item)) {
      const cJSON *v;
      cJSON_ArrayForEach(v, item) {
        if (st == SV_OK) st = sv_client_builder_set_option_str(b, name, v->valuestring, NULL);
      }
    }
  }
  return st;
}

static int same_str(const char *have, const cJSON *want) {
  if (cJSON_IsNull(want)) return have == NULL;
  return have != NULL && cJSON_IsString(want) && strcmp(have, want->valuestring) == 0;
}

static void compare(const char *name, const sv_outcome *o, const cJSON *expect) {
  const cJSON *w;
  cJSON_ArrayForEach(w, expect) {
    const char *k = w->string;
    int ok;
    if (!strcmp(k, "accepted")) ok = sv_outcome_accepted(o) == cJSON_IsTrue(w);
    else if (!strcmp(k, "verified")) ok = sv_outcome_verified(o) == cJSON_IsTrue(w);
    else if (!strcmp(k, "conclusive")) ok = sv_outcome_conclusive(o) == cJSON_IsTrue(w);
    else if (!strcmp(k, "retryable")) ok = sv_outcome_retryable(o) == cJSON_IsTrue(w);
    else if (!strcmp(k, "fail_open_suspected")) ok = sv_outcome_fail_open_suspected(o) == cJSON_IsTrue(w);
    else if (!strcmp(k, "reason")) ok = !strcmp(sv_outcome_reason_str(o), w->valuestring) &&
                                       !strcmp(sv_reason_str(sv_outcome_reason(o)), w->valuestring);
    else if (!strcmp(k, "attempts")) ok = sv_outcome_attempts(o) == (uint32_t)w->valuedouble;
    else if (!strcmp(k, "http_status")) ok = sv_outcome_http_status(o) == (cJSON_IsNull(w) ? 0 : (uint16_t)w->valuedouble);
    else if (!strcmp(k, "score")) {
      double s = -1;
      bool has = sv_outcome_score(o, &s);
      ok = cJSON_IsNull(w) ? !has : (has && fabs(s - w->valuedouble) < 1e-9);
    }
    else if (!strcmp(k, "hostname")) ok = same_str(sv_outcome_hostname(o), w);
    else if (!strcmp(k, "action")) ok = same_str(sv_outcome_action(o), w);
    else if (!strcmp(k, "error_key")) ok = same_str(sv_outcome_error_key(o), w);
    else if (!strcmp(k, "provider_reason")) ok = same_str(sv_outcome_provider_reason(o), w);
    else if (!strcmp(k, "challenge_ts")) ok = same_str(sv_outcome_challenge_ts(o), w);
    else if (!strcmp(k, "timestamp")) ok = same_str(sv_outcome_timestamp(o), w);
    else if (!strcmp(k, "detail")) ok = same_str(sv_outcome_detail(o), w);
    else if (!strcmp(k, "error_codes")) {
      ok = sv_outcome_error_code_count(o) == (size_t)cJSON_GetArraySize(w);
      for (int i = 0; ok && i < cJSON_GetArraySize(w); i++)
        ok = !strcmp(sv_outcome_error_code(o, (size_t)i), cJSON_GetArrayItem(w, i)->valuestring);
    } else {
      ok = 0;
    }
    CHECK(ok, "%s: field %s differs; outcome %s", name, k, sv_outcome_to_json(o));
  }
}

typedef enum { BLOCKING, ASYNC } mode;

static sv_status verify(const sv_client *c, const char *token, size_t len, const sv_verify_options *opts, mode m,
                        sv_outcome **out, sv_error **err) {
  if (m == BLOCKING) return sv_client_verify(c, token, len, opts, out, err);
  async_result r;
  async_result_init(&r);
  sv_task *task = NULL;
  sv_status st = sv_client_verify_async(c, token, len, opts, on_verified, &r, &task, err);
  if (st == SV_OK) {
    async_result_wait(&r);
    st = r.status;
    if (st == SV_OK) *out = r.outcome;
    else *err = r.error;
    r.outcome = NULL;
    r.error = NULL;
    CHECK(r.calls == 1, "callback ran %d times", r.calls);
  }
  sv_task_free(task);
  async_result_destroy(&r);
  return st;
}

static void run_case(const cJSON *c, mode m) {
  const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
  const char *provider = cJSON_GetObjectItem(c, "provider")->valuestring;
  const cJSON *cfg = cJSON_GetObjectItem(c, "config");
  cJSON *empty = cJSON_CreateObject();
  sv_client_builder *b = NULL;
  sv_status st = sv_client_builder_new_named(provider, &b, NULL);
  if (st == SV_OK) st = apply_config(b, provider, cfg ? cfg : empty);
  const sv_client *client = NULL;
  sv_error *err = NULL;
  if (st == SV_OK) st = sv_client_builder_build(b, &client, &err);
  sv_client_builder_free(b);
  cJSON_Delete(empty);

  const cJSON *want_cfg = cJSON_GetObjectItem(c, "expect_config_error");
  if (want_cfg) {
    if (cJSON_IsNull(want_cfg)) CHECK(st == SV_OK && client, "%s: build failed: %s", name, err ? sv_error_message(err) : "");
    else CHECK(st != SV_OK && !strcmp(sv_status_str(st), want_cfg->valuestring) && !client, "%s: want %s, got %s", name, want_cfg->valuestring, sv_status_str(st));
    if (err) CHECK(sv_error_code(err) == st, "%s: error code", name);
    sv_error_free(err);
    sv_client_free(client);
    return;
  }
  CHECK(st == SV_OK, "%s: build: %s", name, err ? sv_error_message(err) : sv_status_str(st));
  sv_error_free(err);
  err = NULL;
  if (st != SV_OK) return;

  /* The token: a string with {uniq} replaced, or {"repeat": s, "count": n}. */
  const cJSON *t = cJSON_GetObjectItem(c, "token");
  char *token;
  if (cJSON_IsString(t)) {
    char uniq[64];
    snprintf(uniq, sizeof uniq, "c-%d-%d-%u", (int)getpid(), (int)m, g_uniq++);
    token = replace(t->valuestring, "{uniq}", uniq);
  } else {
    const char *unit = cJSON_GetObjectItem(t, "repeat")->valuestring;
    size_t n = (size_t)cJSON_GetObjectItem(t, "count")->valuedouble, ul = strlen(unit);
    token = malloc(n * ul + 1);
    for (size_t i = 0; i < n; i++) memcpy(token + i * ul, unit, ul);
    token[n * ul] = '\0';
  }
  sv_verify_options *opts = NULL;
  const cJSON *o = cJSON_GetObjectItem(c, "options");
  if (o) {
    sv_verify_options_new(&opts);
    const cJSON *ip = cJSON_GetObjectItem(o, "remote_ip"), *email = cJSON_GetObjectItem(o, "email");
    if (ip) CHECK(sv_verify_options_set_remote_ip(opts, ip->valuestring) == SV_OK, "%s: remote_ip", name);
    if (email) CHECK(sv_verify_options_set_email(opts, email->valuestring) == SV_OK, "%s: email", name);
  }
  const cJSON *prior = cJSON_GetObjectItem(c, "prior_verifications");
  for (int i = 0; prior && i < prior->valueint; i++) {
    sv_outcome *ignored = NULL;
    verify(client, token, strlen(token), opts, m, &ignored, &err);
    sv_outcome_free(ignored);
    sv_error_free(err);
    err = NULL;
  }
  sv_outcome *outcome = NULL;
  st = verify(client, token, strlen(token), opts, m, &outcome, &err);
  const cJSON *want_err = cJSON_GetObjectItem(c, "expect_error");
  if (want_err) {
    CHECK(st != SV_OK && !outcome && err && !strcmp(sv_error_name(err), want_err->valuestring), "%s: want error %s, got %s", name, want_err->valuestring, sv_status_str(st));
  } else {
    CHECK(st == SV_OK && outcome, "%s: verify failed: %s", name, err ? sv_error_message(err) : "");
    if (outcome) compare(name, outcome, cJSON_GetObjectItem(c, "expect"));
  }
  sv_outcome_free(outcome);
  sv_error_free(err);
  sv_verify_options_free(opts);
  sv_client_free(client);
  free(token);
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MOCK_URL VECTORS_DIR\n", argv[0]);
    return 2;
  }
  g_mock = argv[1];
  struct dirent **entries;
  int n = scandir(argv[2], &entries, NULL, by_name);
  int cases = 0;
  for (int i = 0; i < n; i++) {
    const char *f = entries[i]->d_name;
    size_t len = strlen(f);
    if (len > 5 && !strcmp(f + len - 5, ".json")) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", argv[2], f);
      char *text = read_file(path);
      cJSON *doc = text ? cJSON_Parse(text) : NULL;
      CHECK(doc != NULL, "cannot parse %s", path);
      const cJSON *c;
      cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "cases")) {
        run_case(c, BLOCKING);
        if (!cJSON_GetObjectItem(c, "expect_config_error")) run_case(c, ASYNC);
        cases++;
      }
      cJSON_Delete(doc);
      free(text);
    }
    free(entries[i]);
  }
  free(entries);
  CHECK(cases > 90, "only %d vector cases found", cases);
  return finish("c vectors");
}
