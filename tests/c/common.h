/* Shared helpers for the C tests: counting checks and a blocking wait for async callbacks. */
#ifndef SV_TEST_COMMON_H
#define SV_TEST_COMMON_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "siteverify.h"

static int g_passed = 0;
static int g_failed = 0;

#define CHECK(cond, ...)                                                    \
  do {                                                                      \
    if (cond) {                                                             \
      g_passed++;                                                           \
    } else {                                                                \
      g_failed++;                                                           \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
      fprintf(stderr, __VA_ARGS__);                                         \
      fputc('\n', stderr);                                                  \
    }                                                                       \
  } while (0)

/* Prints the closing line CI reads and returns the exit status. */
static int finish(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

/* One async result, filled in by the callback on a library thread. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int calls;
  sv_status status;
  sv_outcome *outcome;
  sv_error *error;
} async_result;

static void async_result_init(async_result *r) {
  memset(r, 0, sizeof *r);
  pthread_mutex_init(&r->lock, NULL);
  pthread_cond_init(&r->cond, NULL);
}

static void async_result_destroy(async_result *r) {
  sv_outcome_free(r->outcome);
  sv_error_free(r->error);
  pthread_mutex_destroy(&r->lock);
  pthread_cond_destroy(&r->cond);
}

static void on_verified(void *userdata, sv_status status, sv_outcome *outcome, sv_error *error) {
  async_result *r = userdata;
  pthread_mutex_lock(&r->lock);
  r->calls++;
  r->status = status;
  r->outcome = outcome;
  r->error = error;
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->lock);
}

/* Waits for the callback (the library's deadline bounds the wait). */
static void async_result_wait(async_result *r) {
  pthread_mutex_lock(&r->lock);
  while (r->calls == 0) pthread_cond_wait(&r->cond, &r->lock);
  pthread_mutex_unlock(&r->lock);
}

#endif
