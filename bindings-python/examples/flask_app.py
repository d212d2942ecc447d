import os

from flask import Flask, g

from siteverify.flask import Siteverify

app = Flask(__name__)
app.config.update(
    SITEVERIFY_PROVIDER="prosopo",
    SITEVERIFY_SECRET=os.environ["PROSOPO_SECRET_KEY"],
    SITEVERIFY_ENDPOINT=os.environ.get("PROSOPO_VERIFY_URL"),  # unset: Prosopo's own endpoint
)
captcha = Siteverify(app)


@app.post("/signup")
@captcha.required  # reads `procaptcha-response`: 403 if rejected, 503 if Prosopo can't tell
def signup() -> dict[str, str]:
    return {"status": "welcome", "reason": g.siteverify.reason}
