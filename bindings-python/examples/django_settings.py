import os

SITEVERIFY = {
    "provider": "prosopo",
    "secret": os.environ["PROSOPO_SECRET_KEY"],
    "endpoint": os.environ.get("PROSOPO_VERIFY_URL"),  # None: Prosopo's own endpoint
    # "trusted_ip_header": "X-Forwarded-For",  # only behind your own reverse proxy
}
