/* Verify a CAPTCHA token from C.
 *   cc example.c -Iinclude -Ltarget/release -lsiteverify -o example
 *   SITEVERIFY_SECRET=mock-secret ./example http://127.0.0.1:PORT/api/v1/token/verify 'pass:score=0.2'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siteverify.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ENDPOINT TOKEN (secret in $SITEVERIFY_SECRET)\n", argv[0]);
    return 2;
  }
  const char *secret = getenv("SITEVERIFY_SECRET");
  if (!secret) {
    fprintf(stderr, "set SITEVERIFY_SECRET\n");
    return 2;
  }

  /* Build once at startup and share the client: it is thread-safe and keeps connections open. */
  sv_client_builder *builder = NULL;
  const sv_client *client = NULL;
  sv_error *err = NULL;
  sv_client_builder_new(SV_PROVIDER_GATEKEEPER, &builder);
  sv_client_builder_set_secret(builder, secret);
  sv_client_builder_set_endpoint(builder, argv[1]);
  sv_client_builder_add_expected_hostname(builder, "example.com");
  sv_client_builder_set_score_threshold(builder, 0.5);
  sv_client_builder_set_fail_mode(builder, SV_FAIL_MODE_CLOSED);
  sv_status st = sv_client_builder_build(builder, &client, &err);
  sv_client_builder_free(builder);
  if (st != SV_OK) {
    fprintf(stderr, "configuration error (%s): %s\n", sv_error_name(err), sv_error_message(err));
    sv_error_free(err);
    return 2;
  }

  /* Per request: the token from the form field, and the user's IP. */
  sv_verify_options *opts = NULL;
  sv_verify_options_new(&opts);
  sv_verify_options_set_remote_ip(opts, "203.0.113.7");
  sv_outcome *outcome = NULL;
  st = sv_client_verify(client, argv[2], strlen(argv[2]), opts, &outcome, &err);
  sv_verify_options_free(opts);
  if (st != SV_OK) {
    fprintf(stderr, "verify failed (%s): %s\n", sv_error_name(err), sv_error_message(err));
    sv_error_free(err);
    sv_client_free(client);
    return 2;
  }

  int accepted = sv_outcome_accepted(outcome);
  printf("accepted=%s reason=%s\n", accepted ? "true" : "false", sv_outcome_reason_str(outcome));
  if (!sv_outcome_conclusive(outcome)) fprintf(stderr, "warning: provider gave no definitive answer\n");
  sv_outcome_free(outcome);
  sv_client_free(client);
  return accepted ? 0 : 1;
}
