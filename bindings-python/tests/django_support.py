"""Django settings for the tests, configured once per process (whichever test module comes first)."""

from __future__ import annotations


def configure() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF="test_django",
            SECRET_KEY="siteverify-tests",
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            DATABASES={},
            USE_TZ=True,
        )
        django.setup()
