"""`make demo`: one verification against the mock, printed as one line of JSON."""

import os

import siteverify

client = siteverify.Client(
    provider="gatekeeper",
    secret="mock-secret",
    endpoint=os.environ["SITEVERIFY_DEMO_URL"] + "/api/v1/token/verify",
    expected_hostnames=["example.com"],
)
print(client.verify("pass:score=0.2").to_json())
