"""The log scan finds every kind of credential wherever a line holds it, says where and never what, and the recorder
picks the credentials out of the traffic the tests send and receive."""

import json
from pathlib import Path

import httpx

from launcher.credential_scan import CredentialRecorder, read_credentials, scan

REFRESH_TOKEN = "pQ7dK2mXz9_Lr4sV8wYb1NcE3hJ6gT0aF5uR2iO7kMq"  # URL-safe Base64, as auth-service makes them
TICKET = "Zx8-Wq3eRt6yUi9oPa2sDf5gHj7kLz1xCv4bNm0QwEr"
PASSWORD = "correct horse, battery staple!"  # not token characters: looked for as a substring
ACCESS_TOKEN = ("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiI0MiIsInJvbGUiOiJ1c2VyIn0."
                "c2lnbmF0dXJlLW9mLWEtdG9rZW4tdGhhdC1ub2JvZHktcmVjb3JkZWQ")


def write_log(folder: Path, name: str, *lines: str) -> Path:
    log = folder / name
    log.write_text("".join(line + "\n" for line in lines))
    return log


def test_each_kind_of_credential_is_found_with_its_place_and_never_its_value(tmp_path: Path) -> None:
    clean = ("2026-12-03 INFO request 5f0c2a3e-8a7b-4c1d-9e2f-0a1b2c3d4e5f GET /api/inference/v1/predict 200 "
             "trace 4bf92f3577b34da6a3ce929d0e0e4736")
    auth = write_log(tmp_path, "auth-service.log", clean, f"WARN rejected value [{REFRESH_TOKEN}]", clean)
    gateway = write_log(tmp_path, "gateway.log", f"GET /ws/notifications?ticket={TICKET}&x=1 101",
                        f"Authorization: Bearer {ACCESS_TOKEN}")
    nested = tmp_path / "platform" / "logs"
    nested.mkdir(parents=True)
    worker = write_log(nested, "reporting-worker.log", f"login failed for password '{PASSWORD}'")

    findings = scan(tmp_path, {REFRESH_TOKEN, TICKET, PASSWORD})

    assert [(f.log, f.line_number) for f in findings] == [(auth, 2), (gateway, 1), (gateway, 2), (worker, 1)]
    assert findings[2].what == "a signed token"  # recorded or not
    report = "\n".join(map(str, findings))
    assert all(secret not in report for secret in (REFRESH_TOKEN, TICKET, PASSWORD, ACCESS_TOKEN))


def test_a_credential_glued_to_other_token_characters_is_not_mistaken_for_one(tmp_path: Path) -> None:
    # A run of token characters is matched whole: an identifier that merely contains a recorded string is not a leak.
    write_log(tmp_path, "inference-bridge.log", f"id={REFRESH_TOKEN}x", f"{TICKET[:-1]} truncated")
    assert scan(tmp_path, {REFRESH_TOKEN, TICKET}) == []


def test_strings_too_short_to_tell_apart_from_words_are_not_recorded(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials.txt"
    credentials.write_text("short\n" + TICKET + "\n")
    assert read_credentials(credentials) == {TICKET}
    write_log(tmp_path, "auth-service.log", "password too short")
    assert scan(tmp_path, {"short"}) == []


def test_the_recorder_takes_credentials_from_requests_and_answers(tmp_path: Path) -> None:
    file = tmp_path / "credentials.txt"
    recorder = CredentialRecorder(file)
    login = httpx.Request("POST", "http://gateway/api/auth/login",
                          json={"email": "a@example.com", "password": "correct-horse-battery-staple"})
    recorder.on_request(login)
    recorder.on_response(httpx.Response(200, json={"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN,
                                                   "token_type": "Bearer"}, request=login))
    recorder.on_response(httpx.Response(201, json={"ticket": TICKET, "ws_url": f"/ws/notifications?ticket={TICKET}"}))
    recorder.on_request(httpx.Request("GET", "http://gateway/api/auth/me", headers={"Authorization": f"Bearer {TICKET}"}))
    recorder.on_response(httpx.Response(200, text="email,password\n", headers={"Content-Type": "text/csv"}))

    assert file.read_text().splitlines() == ["correct-horse-battery-staple", ACCESS_TOKEN, REFRESH_TOKEN, TICKET]


def test_without_a_file_the_recorder_records_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PLATFORM_CREDENTIALS_FILE", raising=False)
    recorder = CredentialRecorder.from_environment()
    recorder.on_request(httpx.Request("POST", "http://gateway/api/auth/register", content=json.dumps(
        {"password": "correct-horse-battery-staple"}), headers={"Content-Type": "application/json"}))
    assert recorder.path is None and list(tmp_path.iterdir()) == []
