/* The demo's C row: verify one token through libsiteverify, print the outcome JSON.
 * Usage: demo GATEKEEPER_ENDPOINT TOKEN (secret in $SITEVERIFY_DEMO_SECRET) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siteverify.h"

int main(int argc, char **argv) {
  const char *secret = getenv("SITEVERIFY_DEMO_SECRET");
  if (argc != 3 || !secret) return 2;
  sv_client_builder *b = NULL;
  const sv_client *c = NULL;
  sv_outcome *o = NULL;
  sv_client_builder_new(SV_PROVIDER_GATEKEEPER, &b);
  sv_client_builder_set_secret(b, secret);
  sv_client_builder_set_endpoint(b, argv[1]);
  sv_client_builder_add_expected_hostname(b, "example.com");
  sv_status st = sv_client_builder_build(b, &c, NULL);
  sv_client_builder_free(b);
  if (st == SV_OK) st = sv_client_verify(c, argv[2], strlen(argv[2]), NULL, &o, NULL);
  if (st == SV_OK) puts(sv_outcome_to_json(o));
  sv_outcome_free(o);
  sv_client_free(c);
  return st == SV_OK ? 0 : 2;
}
