"""./platform seed against the running platform (launcher/seed.py, the code the command runs): the accounts of each
role sign in with the seed's password scheme, the reports computed by reporting-bridge show the month of history day
by day as planned, and a second run adds no account and no history."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from uuid import UUID

import pytest
from platform_client import PlatformSession
from platform_client.auth.api.users import list_users
from platform_client.auth.models import UserPage
from platform_client.reporting.api.reports import (
    create_report,
    download_report,
    get_report,
)
from platform_client.reporting.models import (
    CreateReportRequest,
    Granularity,
    GroupBy,
    Report,
    ReportFormat,
    ReportParams,
    ReportStatus,
    ReportTypeId,
)
from platform_client.reporting.types import File

from e2e.conftest import E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, Account, signed_in
from launcher.seed import DAYS, SeedResult, email_domain, seed_platform

SEED = 2020
USERS = 4  # an admin, two users, a viewer: every role
ACTIVE = 1  # one account uses the API today: the reports' history is the point here, and it keeps the test short


@pytest.fixture(scope="module")
def seeded(gateway_url: str, redis_url: str) -> SeedResult:
    return seed_platform(gateway_url, redis_url, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, seed=SEED, users=USERS,
                         active=ACTIVE)


def month_report(api: PlatformSession, result: SeedResult, report_type: ReportTypeId, group_by: GroupBy) -> list[dict]:
    """The rows of a report by day over the DAYS days before today (the history; today is the live API's)."""
    request = CreateReportRequest(type_=report_type, params=ReportParams(
        from_=result.plan.first_day, to=result.plan.today - timedelta(days=1), granularity=Granularity.DAY,
        group_by=group_by))
    created = api.expect(create_report.sync_detailed(client=api.reporting, body=request), Report, 202)
    deadline = time.monotonic() + 60
    while (report := api.expect(get_report.sync_detailed(created.id, client=api.reporting), Report, 200)).status not in (
            ReportStatus.READY, ReportStatus.FAILED) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert report.status == ReportStatus.READY, report
    download = api.expect(download_report.sync_detailed(UUID(str(report.id)), client=api.reporting,
                                                        format_=ReportFormat.JSON), File, 200)
    return json.loads(download.payload.read())["rows"]


def test_every_seeded_account_signs_in_with_its_role(seeded: SeedResult, gateway_url: str):
    assert sorted(a.role for a in seeded.accounts) == ["admin", "user", "user", "viewer"]
    for account in seeded.accounts:
        api, me = signed_in(gateway_url, account.email, seeded.plan.password)
        with api:
            assert (me.email, str(me.role), str(me.id)) == (account.email, account.role, account.id)


def test_a_users_usage_report_shows_their_month_as_planned(seeded: SeedResult, gateway_url: str):
    user = next(a for a in seeded.accounts if a.role == "user")
    planned = seeded.plan.uses_per_day(user.email)
    assert len(planned) >= DAYS // 2  # the plan spreads it over the month: what the report must show
    api, _ = signed_in(gateway_url, user.email, seeded.plan.password)
    with api:
        rows = month_report(api, seeded, ReportTypeId.INFERENCE_USAGE, GroupBy.NONE)
    assert len(rows) == DAYS
    shown = {row["period_start"]: (row["uses"], row["predictions"]) for row in rows if row["uses"]}
    assert shown == {day.isoformat(): counts for day, counts in planned.items()}


def test_the_admins_reports_show_the_whole_month(seeded: SeedResult, admin: Account):
    usage = month_report(admin.api, seeded, ReportTypeId.INFERENCE_USAGE, GroupBy.NONE)
    planned = seeded.plan.uses_per_day()
    assert len(planned) >= DAYS - 5
    for row in usage:  # everyone's: the seed's history, and whatever else this platform had on those days
        day = row["period_start"]
        assert row["uses"] >= planned.get(date.fromisoformat(day), (0, 0))[0], row
    activity = month_report(admin.api, seeded, ReportTypeId.PLATFORM_ACTIVITY, GroupBy.EVENT_TYPE)
    usage_days = {row["period_start"] for row in activity if row["event_type"] == "inference.usage"}
    assert usage_days >= {day.isoformat() for day in planned}
    lanes = month_report(admin.api, seeded, ReportTypeId.INFERENCE_USAGE, GroupBy.LANE)
    planned_lanes = {(lane.origin, lane.destination) for use in seeded.plan.uses for lane in use.lanes}
    assert {(row["origin"], row["destination"]) for row in lanes} >= planned_lanes


def test_a_second_run_adds_no_account_and_no_history(seeded: SeedResult, gateway_url: str, redis_url: str,
                                                     admin: Account):
    user = next(a for a in seeded.accounts if a.role == "user")
    api, _ = signed_in(gateway_url, user.email, seeded.plan.password)
    with api:
        before = month_report(api, seeded, ReportTypeId.INFERENCE_USAGE, GroupBy.NONE)
        again = seed_platform(gateway_url, redis_url, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, seed=SEED, users=USERS,
                              active=ACTIVE)
        after = month_report(api, seeded, ReportTypeId.INFERENCE_USAGE, GroupBy.NONE)
    assert [(a.email, a.id, a.registered) for a in again.accounts] == [(a.email, a.id, False) for a in seeded.accounts]
    assert again.events_published == seeded.events_published
    assert after == before
    listed = admin.api.expect(list_users.sync_detailed(client=admin.api.auth, email=f"@{email_domain(SEED)}", size=100),
                              UserPage, 200)
    assert listed.total_items == USERS
