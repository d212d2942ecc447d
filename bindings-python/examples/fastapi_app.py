import os
from typing import Annotated, Optional

from fastapi import Depends, FastAPI

import siteverify
from siteverify.fastapi import CaptchaVerified

app = FastAPI()
captcha = CaptchaVerified(
    siteverify.AsyncClient(
        provider="gatekeeper",
        secret=os.environ["GKCAPTCHA_SECRET_KEY"],
        endpoint=os.environ.get("GKCAPTCHA_VERIFY_URL"),  # unset: GateKeeper's own endpoint
        expected_hostnames=["example.com"],
        expected_actions=["login"],
        score_threshold=0.5,
    )
)


@app.post("/login")  # `captchaToken` in a JSON or form body: 403 if rejected, 503 if GateKeeper can't tell
async def login(outcome: Annotated[siteverify.Outcome, Depends(captcha)]) -> dict[str, Optional[float]]:
    return {"score": outcome.score}
