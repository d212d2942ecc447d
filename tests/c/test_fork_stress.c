/* Forks while other threads verify: a child must never inherit a lock held by
 * a thread that does not exist in it. Every child verifies once, on the
 * inherited client and on a fresh one, and must exit within a bounded wait.
 * Usage: test_fork_stress MOCK_BASE_URL [FORKS] */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define THREADS 8
#define CHILD_LIMIT_MS 5000

static char g_endpoint[512];
static atomic_int g_stop;

static const sv_client *make_client(void) {
  sv_client_builder *b = NULL;
  const sv_client *c = NULL;
  sv_client_builder_new(SV_PROVIDER_GATEKEEPER, &b);
  sv_client_builder_set_secret(b, "mock-secret");
  sv_client_builder_set_endpoint(b, g_endpoint);
  sv_client_builder_set_timeout_ms(b, 2000);
  sv_status st = sv_client_builder_build(b, &c, NULL);
  sv_client_builder_free(b);
  return st == SV_OK ? c : NULL;
}

static int verified(const sv_client *c) {
  sv_outcome *o = NULL;
  sv_status st = sv_client_verify(c, "pass", 4, NULL, &o, NULL);
  int ok = st == SV_OK && sv_outcome_accepted(o);
  sv_outcome_free(o);
  return ok;
}

static void *busy(void *arg) {
  const sv_client *c = arg;
  while (!atomic_load(&g_stop)) {
    /* Alternate blocking and async entry points, stats and shared clients:
     * every path that could hold a lock while the main thread forks. */
    verified(c);
    async_result r;
    async_result_init(&r);
    if (sv_client_verify_async(c, "pass", 4, NULL, on_verified, &r, NULL, NULL) == SV_OK) async_result_wait(&r);
    async_result_destroy(&r);
    sv_stats *s = NULL;
    sv_client_stats(c, &s);
    sv_stats_free(s);
    sv_client_builder *b = NULL;
    const sv_client *shared = NULL;
    sv_client_builder_new(SV_PROVIDER_GATEKEEPER, &b);
    sv_client_builder_set_secret(b, "mock-secret");
    sv_client_builder_set_endpoint(b, g_endpoint);
    sv_client_builder_build_shared(b, &shared, NULL);
    sv_client_builder_free(b);
    sv_client_free(shared);
  }
  return NULL;
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MOCK_URL [FORKS]\n", argv[0]);
    return 2;
  }
  int forks = argc > 2 ? atoi(argv[2]) : 200;
  snprintf(g_endpoint, sizeof g_endpoint, "%s/api/v1/token/verify", argv[1]);
  const sv_client *c = make_client();
  CHECK(c != NULL, "build");
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, busy, (void *)c);

  int hung = 0, failed = 0;
  for (int i = 0; i < forks; i++) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
      const sv_client *fresh = make_client();
      int ok = verified(c) && fresh && verified(fresh);
      _exit(ok ? 0 : 1);
    }
    int status = 0;
    long start = now_ms();
    pid_t done = 0;
    while ((done = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() - start < CHILD_LIMIT_MS) usleep(1000);
    if (done == 0) {
      hung++;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failed++;
    }
  }
  atomic_store(&g_stop, 1);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  CHECK(hung == 0, "%d of %d children hung after fork", hung, forks);
  CHECK(failed == 0, "%d of %d children could not verify after fork", failed, forks);
  sv_client_free(c);
  sv_shared_clients_clear();
  return finish("c fork stress");
}
