import os

from flask import Flask, abort, request

import siteverify

app = Flask(__name__)
captcha = siteverify.Client(
    provider="prosopo",
    secret=os.environ["PROSOPO_SECRET_KEY"],
    endpoint=os.environ.get("PROSOPO_VERIFY_URL"),  # unset: Prosopo's own endpoint
)


@app.post("/signup")
def signup() -> dict[str, str]:
    outcome = captcha.verify(
        request.form.get("procaptcha-response"),  # None when missing: rejected, no request sent
        remote_ip=request.remote_addr,
    )
    if not outcome.accepted:
        app.logger.info("captcha rejected: %s", outcome.reason)
        abort(400, description=f"CAPTCHA check failed ({outcome.reason})")
    return {"status": "welcome"}
