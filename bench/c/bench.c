// make bench's C rows: sv_client_verify (blocking) sequentially, and sv_client_verify_async
// with 64 in flight, against the zero-logic nginx. Usage: bench <base-url>; SV_BENCH_N,
// SV_BENCH_ROUNDS, SV_BENCH_WARMUP, SV_BENCH_ONLY (one row alone). Prints
// `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>` per round (cpu: getrusage of this process).
// No timing assertions.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "siteverify.h"

static const char TOKEN[] = "bench-token";

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long env(const char *name, long def) {
  const char *v = getenv(name);
  return v && *v ? atol(v) : def;
}

static void die(const char *what, sv_error *err) {
  fprintf(stderr, "bench (c): %s: %s\n", what, err ? sv_error_message(err) : "?");
  exit(1);
}

static void check(sv_outcome *o) {
  if (!sv_outcome_accepted(o)) {
    fprintf(stderr, "bench (c): a verification was not accepted; is nginx answering the fixed JSON?\n");
    exit(1);
  }
  sv_outcome_free(o);
}

static void sequential(const sv_client *c, long k) {
  for (long i = 0; i < k; i++) {
    sv_outcome *o = NULL;
    sv_error *err = NULL;
    if (sv_client_verify(c, TOKEN, sizeof TOKEN - 1, NULL, &o, &err) != SV_OK) die("sv_client_verify", err);
    check(o);
  }
}

// 64 in flight: each completion starts the next until k have been started.
struct flight {
  const sv_client *c;
  pthread_mutex_t mu;
  pthread_cond_t done;
  long started, finished, k;
  int failed;
};

static void start_one(struct flight *f);

static void on_done(void *userdata, sv_status status, sv_outcome *o, sv_error *err) {
  struct flight *f = userdata;
  int ok = status == SV_OK && o && sv_outcome_accepted(o);
  if (o) sv_outcome_free(o);
  if (err) sv_error_free(err);
  pthread_mutex_lock(&f->mu);
  f->finished++;
  if (!ok) f->failed = 1;
  int more = f->started < f->k;
  if (more) f->started++;
  if (f->finished == f->k) pthread_cond_signal(&f->done);
  pthread_mutex_unlock(&f->mu);
  if (more) start_one(f);
}

static void start_one(struct flight *f) {
  sv_error *err = NULL;
  if (sv_client_verify_async(f->c, TOKEN, sizeof TOKEN - 1, NULL, on_done, f, NULL, &err) != SV_OK)
    die("sv_client_verify_async", err);
}

static void in_flight(const sv_client *c, long k, long width) {
  struct flight f = {.c = c, .k = k, .started = 0, .finished = 0, .failed = 0};
  pthread_mutex_init(&f.mu, NULL);
  pthread_cond_init(&f.done, NULL);
  long first = width < k ? width : k;
  pthread_mutex_lock(&f.mu);
  f.started = first;
  pthread_mutex_unlock(&f.mu);
  for (long i = 0; i < first; i++) start_one(&f);
  pthread_mutex_lock(&f.mu);
  while (f.finished < f.k) pthread_cond_wait(&f.done, &f.mu);
  pthread_mutex_unlock(&f.mu);
  if (f.failed) {
    fprintf(stderr, "bench (c): an async verification failed or was not accepted\n");
    exit(1);
  }
  pthread_mutex_destroy(&f.mu);
  pthread_cond_destroy(&f.done);
}

typedef void (*runner)(const sv_client *, long);
static void run_seq(const sv_client *c, long k) { sequential(c, k); }
static void run_64(const sv_client *c, long k) { in_flight(c, k, 64); }

// make bench-profile: with SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK (perf's --control fifos) set,
// `enable`/`disable` bracket the measured rounds; each waits for perf's ack.
static void perf_control(const char *command) {
  const char *ctl = getenv("SV_BENCH_PERF_CTL"), *ack = getenv("SV_BENCH_PERF_ACK");
  if (!ctl || !ack) return;
  FILE *f = fopen(ctl, "w");
  if (!f) die("perf control fifo", NULL);
  fprintf(f, "%s\n", command);
  fclose(f);
  char line[64];
  f = fopen(ack, "r");
  if (!f || !fgets(line, sizeof line, f)) die("perf ack fifo", NULL);
  fclose(f);
}

// SV_BENCH_ONLY=<label>: every other row is left out.
static int selected(const char *label) {
  const char *only = getenv("SV_BENCH_ONLY");
  return !only || strcmp(only, label) == 0;
}

static void measure(const char *label, const sv_client *c, runner run) {
  if (!selected(label)) return;
  long n = env("SV_BENCH_N", 2000), rounds = env("SV_BENCH_ROUNDS", 5), warm = env("SV_BENCH_WARMUP", 500);
  run(c, warm);
  perf_control("enable");
  for (long r = 0; r < rounds; r++) {
    double c0 = cpu(), t0 = now();
    run(c, n);
    double wall = now() - t0, used = cpu() - c0;
    printf("ROW\t%s\t%ld\t%.6f\t%.6f\n", label, n, wall, used);
    fflush(stdout);
  }
  perf_control("disable");
}

static const sv_client *make_client(const char *url) {
  sv_client_builder *b = NULL;
  const sv_client *c = NULL;
  sv_error *err = NULL;
  if (sv_client_builder_new(SV_PROVIDER_PROSOPO, &b) != SV_OK) die("builder", NULL);
  sv_client_builder_set_secret(b, "bench-secret");
  sv_client_builder_set_endpoint(b, url);
  if (sv_client_builder_build(b, &c, &err) != SV_OK) die("build", err);
  sv_client_builder_free(b);
  return c;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench <base-url>\n");
    return 2;
  }
  char url[512];
  snprintf(url, sizeof url, "%s/siteverify", argv[1]);
  const sv_client *c = make_client(url);
  measure("c sv_client_verify (blocking)", c, run_seq);
  sv_client_free(c);
  c = make_client(url);
  measure("c sv_client_verify_async, 64 in flight", c, run_64);
  sv_client_free(c);
  return 0;
}
