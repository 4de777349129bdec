"""The web console in a real browser against the e2e platform (console/browser/console.browser.mjs).

Chromium is Debian's (`.ci/run` installs it); playwright-core drives it, so nothing is downloaded at run
time. The console is the one the gateway serves at `/`; a gateway that does not serve it yet gets the same
build served by `vite preview`, which proxies /api and /ws to the gateway (console/vite.config.ts).
Screenshots are kept in var/test-artifacts/console-browser/.
"""

import os
import socket
import subprocess
import time
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def console_url(gateway_url: str):
    if not (CONSOLE / "dist" / "index.html").exists():
        pytest.fail("console/dist is missing: ./platform test builds it before starting the e2e platform")
    page = httpx.get(gateway_url + "/", headers={"Accept": "text/html"}, timeout=10)
    if page.status_code == 200 and '<div id="root">' in page.text:
        yield gateway_url
        return
    port = _free_port()
    preview = subprocess.Popen(
        ["node", str(CONSOLE / "node_modules" / "vite" / "bin" / "vite.js"), "preview", "--host", "127.0.0.1",
         "--port", str(port), "--strictPort", str(CONSOLE)],
        env={**os.environ, "GATEWAY_URL": gateway_url}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if preview.poll() is not None or time.monotonic() > deadline:
                pytest.fail("vite preview did not start: " + (preview.stdout.read() if preview.stdout else ""))
            time.sleep(0.2)
        yield url
    finally:
        preview.terminate()
        preview.wait(timeout=10)


def test_sign_up_sign_in_sign_out_and_administration_in_a_browser(console_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", str(CONSOLE / "browser" / "console.browser.mjs")],
        cwd=CONSOLE, capture_output=True, text=True, timeout=180,
        env={**os.environ, "CONSOLE_URL": console_url, "CHROMIUM_BINARY": chromium_binary(),
             "SCREENSHOT_DIR": str(SCREENSHOTS), "ADMIN_EMAIL": E2E_ADMIN_EMAIL, "ADMIN_PASSWORD": E2E_ADMIN_PASSWORD})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (SCREENSHOTS / "03-signed-up.png").stat().st_size > 0
