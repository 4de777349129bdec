"""Reports through the gateway: a user's inference-usage report is queued, computed by the reporting worker
and downloaded in every format; platform-wide reports are for admins; nobody reads another user's report;
an admin's user-signups report counts the accounts auth-service announced on platform.events."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime

import httpx
import pytest
from openpyxl import load_workbook
from PIL import Image

TODAY = datetime.now(UTC).date().isoformat()
RANGE = {"from": TODAY, "to": TODAY}


def wait_until_final(gateway: httpx.Client, report_id: str, headers: dict[str, str], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        report = gateway.get(f"/api/reports/{report_id}", headers=headers).json()
        if report["status"] in ("ready", "failed") or time.monotonic() > deadline:
            return report
        time.sleep(0.2)


def request_report(gateway: httpx.Client, headers: dict[str, str], report_type: str, **params: str) -> dict:
    response = gateway.post("/api/reports", headers=headers, json={"type": report_type, "params": {**RANGE, **params}})
    assert response.status_code == 202, response.text
    return response.json()


def test_a_user_requests_their_inference_usage_and_downloads_it(gateway: httpx.Client, new_account):
    user = new_account("user")
    created = request_report(gateway, user.headers, "inference-usage")
    assert created["status"] == "queued" and created["owner_id"] == user.id

    report = wait_until_final(gateway, created["id"], user.headers)
    assert report["status"] == "ready", report
    assert report["row_count"] == 1 and report["summary"]["uses"] == 0  # a new user has used nothing yet
    download = report["download_url"]

    rows = list(csv.DictReader(io.StringIO(gateway.get(download, params={"format": "csv"}, headers=user.headers).text)))
    assert rows[0]["period_start"] == TODAY and rows[0]["uses"] == "0"
    assert gateway.get(download, params={"format": "json"}, headers=user.headers).json()["report_id"] == created["id"]
    workbook = load_workbook(io.BytesIO(gateway.get(download, params={"format": "xlsx"}, headers=user.headers).content))
    assert workbook.active["A1"].value == "period_start"
    png = gateway.get(download, params={"format": "png"}, headers=user.headers)
    assert png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (1200, 600)
    assert gateway.get(download, params={"format": "pdf"}, headers=user.headers).status_code == 422

    listed = gateway.get("/api/reports", headers=user.headers).json()
    assert [r["id"] for r in listed["items"]] == [created["id"]]


def test_users_and_viewers_cannot_request_platform_reports(gateway: httpx.Client, new_account):
    user, viewer = new_account("user"), new_account("viewer")
    for report_type in ("user-signups", "platform-activity"):
        response = gateway.post("/api/reports", headers=user.headers, json={"type": report_type, "params": RANGE})
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert gateway.post("/api/reports", headers=viewer.headers,
                        json={"type": "inference-usage", "params": RANGE}).status_code == 403
    types = gateway.get("/api/reports/types", headers=viewer.headers).json()["items"]
    assert [t["id"] for t in types] == ["inference-usage"]


def test_nobody_reads_another_users_report(gateway: httpx.Client, new_account, admin):
    owner, stranger = new_account("user"), new_account("user")
    created = request_report(gateway, owner.headers, "inference-usage")
    path = f"/api/reports/{created['id']}"
    assert gateway.get(path, headers=stranger.headers).status_code == 404
    assert gateway.get(path + "/download", params={"format": "csv"}, headers=stranger.headers).status_code == 404
    assert gateway.get(path, headers=admin.headers).status_code == 200
    assert gateway.get(path).status_code == 401


@pytest.mark.parametrize("invalid", [{"from": TODAY, "to": "2000-01-01"}, {"from": "yesterday", "to": TODAY}])
def test_bad_dates_are_rejected(gateway: httpx.Client, new_account, invalid):
    user = new_account("user")
    response = gateway.post("/api/reports", headers=user.headers, json={"type": "inference-usage", "params": invalid})
    assert response.status_code == 422 and response.json()["errors"]


def test_user_signups_count_the_accounts_auth_service_announced(gateway: httpx.Client, new_account, admin):
    new_account("viewer")  # registered as user, then made viewer: one more user.registered today
    deadline = time.monotonic() + 30
    while True:  # the event store fills asynchronously: ask again until the sign-up is in
        created = request_report(gateway, admin.headers, "user-signups", granularity="day", group_by="role")
        report = wait_until_final(gateway, created["id"], admin.headers)
        assert report["status"] == "ready", report
        if report["summary"]["signups"] >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert report["summary"]["by_role"].get("user", 0) >= 1, report
    rows = gateway.get(report["download_url"], params={"format": "json"}, headers=admin.headers).json()["rows"]
    assert all(row["period_start"] == TODAY for row in rows)
