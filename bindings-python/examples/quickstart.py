import os
import sys

import siteverify

# One client per configuration, built once and shared (it keeps its connections warm).
client = siteverify.Client(
    provider="gatekeeper",
    secret=os.environ["GKCAPTCHA_SECRET_KEY"],
    endpoint=os.environ.get("GKCAPTCHA_VERIFY_URL"),  # unset: GateKeeper's own endpoint
    expected_hostnames=["example.com"],
    score_threshold=0.5,  # 0 = human, 1 = bot
    timeout=10.0,  # seconds, retries included
)

outcome = client.verify(sys.argv[1], remote_ip="203.0.113.7")
if outcome.accepted:
    print(f"welcome (score {outcome.score})")
else:
    print(f"rejected: {outcome.reason}")
