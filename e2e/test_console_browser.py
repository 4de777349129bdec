"""The web console in a real browser against the e2e platform (console/browser/console.browser.mjs).

Chromium is Debian's (`.ci/run` installs it); playwright-core drives it, so nothing is downloaded at run
time. The console is the one the gateway serves at `/`, under the gateway's own Content-Security-Policy: sign
up and in, the live feed over the WebSocket (Origin and ticket checked by the gateway), a prediction and a CSV
job on the real inference service and worker, the admin page. Screenshots: var/test-artifacts/console-browser/.
"""

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from e2e.conftest import E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD
from launcher.build import chromium_executable
from launcher.console import LauncherError

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "console-browser"


def chromium_binary() -> str:
    try:
        return chromium_executable()
    except LauncherError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def console_url(gateway_url: str) -> str:
    page = httpx.get(gateway_url + "/", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and '<div id="root">' in page.text, "the gateway does not serve the console at /"
    policy = page.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy, policy
    return gateway_url


def test_the_console_in_a_browser_through_the_gateway(console_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", str(CONSOLE / "browser" / "console.browser.mjs")],
        cwd=CONSOLE, capture_output=True, text=True, timeout=180,
        env={**os.environ, "CONSOLE_URL": console_url, "CHROMIUM_BINARY": chromium_binary(),
             "SCREENSHOT_DIR": str(SCREENSHOTS), "ADMIN_EMAIL": E2E_ADMIN_EMAIL, "ADMIN_PASSWORD": E2E_ADMIN_PASSWORD})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (SCREENSHOTS / "03-signed-up.png").stat().st_size > 0
    assert (SCREENSHOTS / "03c-job-done.png").stat().st_size > 0
