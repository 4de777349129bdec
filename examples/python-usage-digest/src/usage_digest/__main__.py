"""python -m usage_digest: the service on USAGE_DIGEST_PORT (default 8090)."""

from service_kit.server import run
from service_kit.settings import settings_or_exit

from usage_digest.app import create_app
from usage_digest.settings import DigestSettings

if __name__ == "__main__":
    settings = settings_or_exit(DigestSettings)
    run(lambda: create_app(settings), settings=settings, port=settings.port)
