"""Reports through the gateway: a user's inference-usage report is queued, computed by the reporting worker
and downloaded in every format; platform-wide reports are for admins; nobody reads another user's report;
an admin's user-signups report counts the accounts auth-service announced on platform.events."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
from openpyxl import load_workbook
from PIL import Image

from platform_client import PlatformSession
from platform_client.reporting.api.reports import (create_report, download_report, get_report, list_report_types,
                                                   list_reports)
from platform_client.reporting.models import (CreateReportRequest, Granularity, GroupBy, Report, ReportFormat,
                                              ReportPage, ReportParams, ReportStatus, ReportTypeId, ReportTypeList)
from platform_client.reporting.types import File

TODAY = datetime.now(UTC).date()
RANGE = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}


def wait_until_final(api: PlatformSession, report_id: UUID, timeout: float = 60) -> Report:
    deadline = time.monotonic() + timeout
    while True:
        report = api.expect(get_report.sync_detailed(report_id, client=api.reporting), Report, 200)
        if report.status in (ReportStatus.READY, ReportStatus.FAILED) or time.monotonic() > deadline:
            return report
        time.sleep(0.2)


def report_request(report_type: ReportTypeId, **params) -> CreateReportRequest:
    return CreateReportRequest(type_=report_type, params=ReportParams(from_=TODAY, to=TODAY, **params))


def request_report(api: PlatformSession, report_type: ReportTypeId, **params) -> Report:
    return api.expect(create_report.sync_detailed(client=api.reporting, body=report_request(report_type, **params)),
                      Report, 202)


def download(api: PlatformSession, report_id: UUID, report_format: ReportFormat) -> bytes:
    file = api.expect(download_report.sync_detailed(report_id, client=api.reporting, format_=report_format), File, 200)
    return file.payload.read()


def test_a_user_requests_their_inference_usage_and_downloads_it(new_account):
    user = new_account("user")
    api = user.api
    created = request_report(api, ReportTypeId.INFERENCE_USAGE)
    assert created.status == ReportStatus.QUEUED and str(created.owner_id) == user.id

    report = wait_until_final(api, created.id)
    assert report.status == ReportStatus.READY, report
    assert report.row_count == 1 and report.summary["uses"] == 0  # a new user has used nothing yet
    assert report.download_url.endswith(f"/api/reports/{created.id}/download")

    rows = list(csv.DictReader(io.StringIO(download(api, created.id, ReportFormat.CSV).decode())))
    assert rows[0]["period_start"] == TODAY.isoformat() and rows[0]["uses"] == "0"
    assert json.loads(download(api, created.id, ReportFormat.JSON))["report_id"] == str(created.id)
    workbook = load_workbook(io.BytesIO(download(api, created.id, ReportFormat.XLSX)))
    assert workbook.active["A1"].value == "period_start"
    png = download_report.sync_detailed(created.id, client=api.reporting, format_=ReportFormat.PNG)
    assert png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (1200, 600)
    # Raw: a format the contract does not have cannot be asked for through the typed client.
    assert api.http.get(report.download_url, params={"format": "pdf"}).status_code == 422

    listed = api.expect(list_reports.sync_detailed(client=api.reporting), ReportPage, 200)
    assert [r.id for r in listed.items] == [created.id]


def test_users_and_viewers_cannot_request_platform_reports(new_account):
    user, viewer = new_account("user").api, new_account("viewer").api
    for report_type in (ReportTypeId.USER_SIGNUPS, ReportTypeId.PLATFORM_ACTIVITY):
        response = create_report.sync_detailed(client=user.reporting, body=report_request(report_type))
        assert response.status_code == 403, response.content
        assert response.headers["content-type"].startswith("application/problem+json")
    refused = create_report.sync_detailed(client=viewer.reporting, body=report_request(ReportTypeId.INFERENCE_USAGE))
    assert refused.status_code == 403
    types = viewer.expect(list_report_types.sync_detailed(client=viewer.reporting), ReportTypeList, 200).items
    assert [t.id for t in types] == [ReportTypeId.INFERENCE_USAGE]


def test_nobody_reads_another_users_report(gateway: httpx.Client, new_account, admin):
    owner, stranger = new_account("user").api, new_account("user").api
    created = request_report(owner, ReportTypeId.INFERENCE_USAGE)
    assert get_report.sync_detailed(created.id, client=stranger.reporting).status_code == 404
    assert download_report.sync_detailed(created.id, client=stranger.reporting,
                                         format_=ReportFormat.CSV).status_code == 404
    assert get_report.sync_detailed(created.id, client=admin.api.reporting).status_code == 200
    assert gateway.get(f"/api/reports/{created.id}").status_code == 401  # raw: no token at all


@pytest.mark.parametrize("invalid", [{"from": RANGE["from"], "to": "2000-01-01"}, {"from": "yesterday", "to": RANGE["to"]}])
def test_bad_dates_are_rejected(new_account, invalid):
    api = new_account("user").api
    # Raw: "yesterday" is not a date, so the typed client cannot send it.
    response = api.http.post("/api/reports", json={"type": "inference-usage", "params": invalid})
    assert response.status_code == 422 and response.json()["errors"]


def test_user_signups_count_the_accounts_auth_service_announced(new_account, admin):
    new_account("viewer")  # registered as user, then made viewer: one more user.registered today
    api = admin.api
    deadline = time.monotonic() + 30
    while True:  # the event store fills asynchronously: ask again until the sign-up is in
        created = request_report(api, ReportTypeId.USER_SIGNUPS, granularity=Granularity.DAY, group_by=GroupBy.ROLE)
        report = wait_until_final(api, created.id)
        assert report.status == ReportStatus.READY, report
        if report.summary["signups"] >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert report.summary["by_role"].get("user", 0) >= 1, report
    rows = json.loads(download(api, created.id, ReportFormat.JSON))["rows"]
    assert all(row["period_start"] == TODAY.isoformat() for row in rows)
