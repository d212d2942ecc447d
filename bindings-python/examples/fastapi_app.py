import os
from typing import Annotated, Optional

from fastapi import Depends, FastAPI, HTTPException, Request

import siteverify

app = FastAPI()
captcha = siteverify.AsyncClient(
    provider="gatekeeper",
    secret=os.environ["GKCAPTCHA_SECRET_KEY"],
    endpoint=os.environ.get("GKCAPTCHA_VERIFY_URL"),  # unset: GateKeeper's own endpoint
    expected_hostnames=["example.com"],
    expected_actions=["login"],
    score_threshold=0.5,
)


async def require_captcha(request: Request) -> siteverify.Outcome:
    """A dependency: 400 unless the request's `captchaToken` passes."""
    body = await request.json()
    token = body.get("captchaToken") if isinstance(body, dict) else None
    outcome = await captcha.verify(
        token if isinstance(token, str) else None,
        remote_ip=request.client.host if request.client else None,
    )
    if not outcome.accepted:
        raise HTTPException(status_code=400, detail=f"CAPTCHA check failed ({outcome.reason})")
    return outcome


@app.post("/login")
async def login(captcha_outcome: Annotated[siteverify.Outcome, Depends(require_captcha)]) -> dict[str, Optional[float]]:
    return {"score": captcha_outcome.score}
