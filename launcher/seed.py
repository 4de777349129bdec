"""./platform seed: a realistic data set in a running platform, through its public API and its event backbone.

What it loads, for a seed (`--seed`, default 1) and a number of accounts (`--users`, default 10):

- accounts: registered through the gateway (POST /api/auth/register), then given their role by the bootstrap admin
  (ADMIN_EMAIL / ADMIN_PASSWORD, as the platform was started) through PATCH /api/auth/users/{id}: the first is made
  an admin, every fourth a viewer, the others stay users. Emails are `<first>.<last>@seed-<seed>.example.com`;
  every seeded account's password is `seeded-password-<seed>` (demo data: never seed a production platform);
- a month of history: the model uses of every admin and user over the 30 days before today (single ETAs and
  batches, weekdays busier than weekends, usage growing over the month, each account on its own lanes), published
  as `inference.usage` CloudEvents on platform.events whose `time` is in the past (source `/platform-seed`), through
  the Python kit's codec and publisher; reporting-bridge stores them as it stores the live ones, so the usage and
  activity reports and the console's charts show a month;
- today, through the API: three accounts sign in, predict single ETAs and a batch, upload a CSV job and wait for
  it, request their own usage report; the bootstrap admin requests the platform-wide reports (usage by day and by
  lane, platform activity, sign-ups by role); the seed waits until every report is ready.

Deterministic: the same seed gives the same accounts, the same history (values, event ids) and the same times
relative to today's midnight (UTC); the calendar's weekends keep a quarter of the uses that fall on them, so two runs
on the same weekday give exactly the same history, and on other weekdays the weekends drop other uses. Each account's
history depends only on the seed and the account (its email, its place in the list): more `--users` adds
accounts without changing the others'.

Rerun with the same seed: accounts already there are found (by the admin's user list) and not registered again
(their role is set again if someone changed it); the history is published again with the same event ids, which the
event store skips, so the same day nothing is counted twice (on a later day the first run's times stay, and the uses
that a weekend had dropped then and a weekday keeps now are added); today's API activity (predictions, a job,
reports) is done again, as another day's use would be.

Not seeded in the past: sign-ups (auth-service announces `user.registered` when an account is created, today; a
second, back-dated announcement would count the account twice) and finished jobs (an `inference.job.completed`
naming a job inference-bridge does not have would notify its owner of a result that cannot be fetched).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import math
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import httpx
from contract_types.events import InferenceUsage
from contract_types.events.inference_usage import Lane, Operation, UsStateCode
from contract_types.streams import ConsumerGroup, Stream
from platform_client import ApiError, PlatformSession, Registrar
from platform_client.auth.api.tokens import login
from platform_client.auth.api.users import list_users
from platform_client.auth.models import LoginRequest, TokenResponse, User, UserPage
from platform_client.inference.api.jobs import create_inference_job, get_inference_job
from platform_client.inference.api.model import get_model_card
from platform_client.inference.api.predictions import predict_eta, predict_eta_batch
from platform_client.inference.models import (
    CreateInferenceJobFilesBody,
    EtaBatchRequest,
    EtaBatchResponse,
    EtaPrediction,
    Job,
    JobStatus,
    ModelCard,
    Shipment,
)
from platform_client.inference.types import File as Upload
from platform_client.reporting.api.reports import create_report, get_report
from platform_client.reporting.models import (
    CreateReportRequest,
    Granularity,
    GroupBy,
    Report,
    ReportParams,
    ReportStatus,
    ReportTypeId,
)
from redis.asyncio import Redis
from redis.exceptions import RedisError
from service_kit.events import CloudEvent, EventPublisher, new_event
from service_kit.events.envelope import format_time

DAYS = 30
DEFAULT_SEED = 1
DEFAULT_USERS = 10
ACTIVE_TODAY = 3  # accounts that sign in and use the API today (sign-ins are rate limited per address)
SOURCE = "/platform-seed"  # the CloudEvent source of the history: this tool, not the service it stands in for
# uuid5 namespace of the history's event ids: the same seed, account and use always give the same id.
EVENT_ID_NAMESPACE = uuid.UUID("0b6f4c1e-3d2a-4e8f-9a7b-5c6d7e8f9012")
JOB_WAIT_SECONDS = 120
REPORT_WAIT_SECONDS = 180
INGESTION_WAIT_SECONDS = 120
RATE_LIMIT_WAIT_SECONDS = 180  # at most this long in all behind the gateway's sign-in limit (10 a minute by default)

# Busy US freight lanes: origin, destination, road km.
LANES: tuple[tuple[str, str, int], ...] = (
    ("TX", "IL", 1480), ("CA", "NY", 4500), ("WA", "OR", 280), ("CA", "TX", 2200), ("IL", "OH", 560),
    ("GA", "FL", 560), ("TX", "CA", 2200), ("NJ", "PA", 250), ("IL", "TX", 1480), ("TN", "GA", 400),
    ("OH", "PA", 520), ("CA", "AZ", 600), ("NC", "VA", 420), ("MI", "IL", 450), ("TX", "OK", 330),
    ("FL", "GA", 560), ("NY", "MA", 350), ("CO", "UT", 830), ("MO", "KS", 380), ("IN", "KY", 280),
)
CARRIERS = ("swift", "schneider", "jbhunt", "werner", "knight", "xpo", "odfl", "estes", "saia")
FIRST_NAMES = ("Maya", "Liam", "Aisha", "Noah", "Sofia", "Mateo", "Yuki", "Omar", "Elena", "Kwame", "Priya", "Lucas",
               "Ingrid", "Diego", "Hana", "Tomasz", "Zara", "Felix", "Amara", "Jonas")
LAST_NAMES = ("Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Castillo", "Novak", "Mensah", "Iyer", "Kowalski",
              "Brennan", "Costa", "Fischer", "Adeyemi", "Rossi", "Nakamura", "Ortiz", "Larsen", "Chen", "Dubois")

MAX_USERS = len(FIRST_NAMES) * len(LAST_NAMES)

Model = TypeVar("Model")


# ---------------------------------------------------------------------------------------------- the data, planned


@dataclass(frozen=True)
class PlannedAccount:
    email: str
    name: str
    role: str  # admin, user or viewer
    uses_model: bool  # viewers read, they do not submit work
    active_today: bool


@dataclass(frozen=True)
class LaneUse:
    origin: str
    destination: str
    predictions: int
    mean_delay_probability: float


@dataclass(frozen=True)
class PlannedUse:
    """One past use of the model: one `inference.usage` event."""

    email: str
    event_id: str
    at: datetime
    operation: str  # eta or eta_batch
    predictions: int
    latency_ms: float
    mean_delay_probability: float
    lanes: tuple[LaneUse, ...]


@dataclass(frozen=True)
class PlannedShipment:
    origin: str
    destination: str
    distance_km: int
    weight_kg: int
    mode: str
    carrier: str

    def with_pickup(self, pickup_at: str) -> dict[str, Any]:
        return {"origin": self.origin, "destination": self.destination, "distance_km": self.distance_km,
                "weight_kg": self.weight_kg, "mode": self.mode, "carrier": self.carrier, "pickup_at": pickup_at}


@dataclass(frozen=True)
class TodaysWork:
    """What an active account does through the API today."""

    email: str
    single: tuple[PlannedShipment, ...]
    batch: tuple[PlannedShipment, ...]
    job: tuple[PlannedShipment, ...]


@dataclass(frozen=True)
class SeedPlan:
    seed: int
    today: date
    password: str
    accounts: tuple[PlannedAccount, ...]
    uses: tuple[PlannedUse, ...]  # in time order
    work: tuple[TodaysWork, ...]

    def uses_per_day(self, email: str | None = None) -> dict[date, tuple[int, int]]:
        """(uses, predictions) per day, of one account or of all."""
        per_day: dict[date, tuple[int, int]] = {}
        for use in self.uses:
            if email is None or use.email == email:
                uses, predictions = per_day.get(use.at.date(), (0, 0))
                per_day[use.at.date()] = (uses + 1, predictions + use.predictions)
        return per_day

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=DAYS)


def password_of(seed: int) -> str:
    return f"seeded-password-{seed}"


def email_domain(seed: int) -> str:
    return f"seed-{seed}.example.com"


def role_of(index: int) -> str:
    """The first seeded account is an admin, every fourth a viewer, the others users."""
    if index == 0:
        return "admin"
    return "viewer" if index % 4 == 3 else "user"


def plan(seed: int, users: int = DEFAULT_USERS, today: date | None = None, active: int = ACTIVE_TODAY) -> SeedPlan:
    """The whole data set of `seed`: `users` accounts, their month of history before `today` (UTC) and the API work
    of today of the first `active` accounts that use the model. Pure: the same arguments give the same plan."""
    if not 1 <= users <= MAX_USERS:
        raise ValueError(f"users must be 1 to {MAX_USERS}")
    today = today or datetime.now(UTC).date()
    names = random.Random(f"{seed}/names")
    taken: set[tuple[str, str]] = set()
    accounts = []
    for index in range(users):
        while (name := (names.choice(FIRST_NAMES), names.choice(LAST_NAMES))) in taken:
            pass
        taken.add(name)
        role = role_of(index)
        uses_model = role != "viewer"
        active_today = uses_model and sum(a.uses_model for a in accounts) < active
        accounts.append(PlannedAccount(f"{name[0]}.{name[1]}@{email_domain(seed)}".lower(), f"{name[0]} {name[1]}",
                                       role, uses_model, active_today))
    uses = sorted((use for index, account in enumerate(accounts) if account.uses_model
                   for use in _history(seed, index, account.email, today)), key=lambda u: (u.at, u.event_id))
    work = tuple(_todays_work(seed, index, a.email) for index, a in enumerate(accounts) if a.active_today)
    return SeedPlan(seed, today, password_of(seed), tuple(accounts), tuple(uses), work)


def _lane_risk(seed: int, origin: str, destination: str) -> float:
    """A lane's usual delay risk: the same on every account's uses of it."""
    return random.Random(f"{seed}/lane/{origin}-{destination}").uniform(0.06, 0.38)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means here, and stable across Python versions (random() only)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


@dataclass(frozen=True)
class Profile:
    """How one account uses the model."""

    first_day: int  # days before today
    weekday_rate: float  # uses on a weekday at mid-month
    batch_share: float
    busy_hour: float  # UTC
    lanes: tuple[tuple[str, str, int], ...]
    lane_weights: tuple[float, ...]


def profile(seed: int, index: int, email: str) -> Profile:
    rng = random.Random(f"{seed}/{email}/profile")
    lanes = tuple(rng.sample(LANES, rng.randint(3, 6)))
    return Profile(first_day=DAYS if index < 3 else rng.randint(8, DAYS),  # the first accounts were there all month
                   weekday_rate=rng.uniform(1.5, 7.0), batch_share=rng.uniform(0.1, 0.4),
                   busy_hour=rng.uniform(14.0, 21.0),  # US business hours
                   lanes=lanes, lane_weights=tuple(rng.uniform(1, 5) for _ in lanes))


WEEKEND_KEEP = 0.25  # the share of a day's uses that happen when it falls on a Saturday or Sunday


def _history(seed: int, index: int, email: str, today: date) -> list[PlannedUse]:
    """The account's uses over the DAYS days before `today`. Every draw is relative to today's midnight, the same
    whatever the date; only the calendar's weekends then drop uses (each has its own draw for that), so runs a
    multiple of 7 days apart give the same uses at the same relative times, and runs on other weekdays differ only
    in which uses the weekends dropped."""
    rng = random.Random(f"{seed}/{email}/history")
    usual = profile(seed, index, email)
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    uses: list[PlannedUse] = []
    drawn = 0
    for days_ago in range(usual.first_day, 0, -1):
        growth = 0.7 + 0.6 * (1 - days_ago / DAYS)  # use grows over the month
        for _ in range(_poisson(rng, usual.weekday_rate * growth)):
            use = _use(rng, seed, email, drawn, usual, midnight - timedelta(days=days_ago))
            drawn += 1
            kept_on_a_weekend = rng.random() < WEEKEND_KEEP  # drawn for every use: the same draws on any weekday
            if use.at.weekday() < 5 or kept_on_a_weekend:
                uses.append(use)
    return uses


def _use(rng: random.Random, seed: int, email: str, number: int, usual: Profile, day: datetime) -> PlannedUse:
    second = min(max(rng.gauss(usual.busy_hour * 3600, 2.5 * 3600), 0), 86399.999)
    at = day + timedelta(seconds=round(second, 3))
    lanes = usual.lanes
    if rng.random() < usual.batch_share:
        predictions = min(1000, max(2, round(rng.lognormvariate(math.log(25), 0.8))))
        chosen = rng.sample(range(len(lanes)), min(len(lanes), rng.randint(1, 3), predictions))
        split = _split(rng, predictions, len(chosen))
        latency = round((10 + 0.35 * predictions) * rng.lognormvariate(0, 0.2), 2)
        operation = "eta_batch"
    else:
        predictions, chosen, split = 1, [rng.choices(range(len(lanes)), usual.lane_weights)[0]], [1]
        latency = round(rng.lognormvariate(math.log(6), 0.35), 2)
        operation = "eta"
    lane_uses = []
    for lane_index, count in zip(chosen, split, strict=True):
        origin, destination, _ = lanes[lane_index]
        risk = _lane_risk(seed, origin, destination) + rng.gauss(0, 0.03)
        lane_uses.append(LaneUse(origin, destination, count, round(min(max(risk, 0.01), 0.95), 4)))
    mean = round(sum(u.predictions * u.mean_delay_probability for u in lane_uses) / predictions, 4)
    event_id = str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{seed}/{email}/{number}"))
    return PlannedUse(email, event_id, at, operation, predictions, latency, mean, tuple(lane_uses))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` (at least `parts`) as `parts` positive counts."""
    if parts == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _shipment(rng: random.Random, lane: tuple[str, str, int]) -> PlannedShipment:
    origin, destination, km = lane
    mode = rng.choices(("ftl", "ltl", "intermodal"), (45, 40, 15 if km > 800 else 0))[0]
    weight = {"ftl": rng.uniform(8000, 20000), "ltl": rng.uniform(300, 2500), "intermodal": rng.uniform(12000, 24000)}
    return PlannedShipment(origin, destination, round(km * rng.uniform(0.95, 1.1)), round(weight[mode]), mode,
                           rng.choice(CARRIERS))


def _todays_work(seed: int, index: int, email: str) -> TodaysWork:
    rng = random.Random(f"{seed}/{email}/today")
    lanes = profile(seed, index, email).lanes
    return TodaysWork(email, tuple(_shipment(rng, rng.choice(lanes)) for _ in range(3)),
                      tuple(_shipment(rng, rng.choice(lanes)) for _ in range(8)),
                      tuple(_shipment(rng, rng.choice(lanes)) for _ in range(20)))


def usage_payload(use: PlannedUse, user_id: str, model_version: str) -> InferenceUsage:
    """The contract's `inference.usage` payload of a planned use."""
    return InferenceUsage(
        user_id=UUID(user_id), operation=Operation(use.operation), model_version=model_version,
        predictions=use.predictions, latency_ms=use.latency_ms, mean_delay_probability=use.mean_delay_probability,
        lanes=[Lane(origin=UsStateCode(lane.origin), destination=UsStateCode(lane.destination),
                    predictions=lane.predictions, mean_delay_probability=lane.mean_delay_probability)
               for lane in use.lanes],
        occurred_at=format_time(use.at))


def history_event(use: PlannedUse, user_id: str, model_version: str) -> CloudEvent:
    """The `inference.usage` CloudEvent of a planned use, as inference-bridge would have published it then."""
    event = new_event(usage_payload(use, user_id, model_version), source=SOURCE, subject=user_id, event_id=use.event_id)
    # `time` is what the reports bucket by: the use's moment, not now (which the kit stamps).
    return event.model_copy(update={"time": format_time(use.at)})


# ---------------------------------------------------------------------------------------------- loading it


@dataclass
class SeededAccount:
    email: str
    name: str
    role: str
    id: str
    registered: bool  # False: found from an earlier run


@dataclass
class SeedResult:
    plan: SeedPlan
    admin_email: str
    accounts: list[SeededAccount] = field(default_factory=list)
    events_published: int = 0
    predictions_today: int = 0
    jobs: list[tuple[str, str, str]] = field(default_factory=list)  # email, job id, status
    reports: list[tuple[str, str, Report]] = field(default_factory=list)  # email, what, report
    seconds: float = 0.0


class SeedFailed(Exception):
    """The platform refused or did not finish something; the message says what, for a person."""


class Seeder:
    """Loads a plan into the platform at `gateway_url` whose backbone is the Redis at `redis_url`."""

    def __init__(self, gateway_url: str, redis_url: str, admin_email: str, admin_password: str,
                 out: Callable[[str], None] = print, clock: Callable[[], float] = time.monotonic):
        self.gateway_url = gateway_url.rstrip("/")
        self.redis_url = redis_url
        self.admin_email = admin_email
        self.admin_password = admin_password
        self.out = out
        self.clock = clock
        self.sessions: list[PlatformSession] = []
        self.rate_limited_until = clock() + RATE_LIMIT_WAIT_SECONDS

    def run(self, seed_plan: SeedPlan) -> SeedResult:
        started = self.clock()
        result = SeedResult(seed_plan, self.admin_email)
        try:
            admin = self.signed_in(self.admin_email, self.admin_password, "the bootstrap admin (ADMIN_EMAIL)")
            model = admin.expect(get_model_card.sync_detailed(client=admin.inference), ModelCard, 200)
            result.accounts = self.accounts(admin, seed_plan)
            self.out(f"accounts: {sum(a.registered for a in result.accounts)} registered, "
                     f"{sum(not a.registered for a in result.accounts)} already there")
            ids = {a.email: a.id for a in result.accounts}
            result.events_published = asyncio.run(self.publish_history(seed_plan, ids, model.version))
            self.out(f"history: {result.events_published} inference.usage events over {DAYS} days published; "
                     "reporting-bridge has them all (an id it had already is skipped)")
            for work in seed_plan.work:
                self.use_today(work, seed_plan.password, result)
            asyncio.run(self.wait_for_ingestion())  # today's usage too, before the reports are computed
            self.request_reports(admin, result)
        finally:
            for session in self.sessions:
                session.close()
        result.seconds = self.clock() - started
        return result

    # ----- accounts

    def accounts(self, admin: PlatformSession, seed_plan: SeedPlan) -> list[SeededAccount]:
        existing: dict[str, User] = {}
        page = 0
        while True:
            found = admin.expect(list_users.sync_detailed(client=admin.auth, email=f"@{email_domain(seed_plan.seed)}",
                                                          page=page, size=100), UserPage, 200)
            existing.update({user.email.lower(): user for user in found.items})
            page += 1
            if page >= found.total_pages:
                break
        registrar = Registrar(self.session(), admin=admin, send=self.patiently)
        seeded = []
        for planned in seed_plan.accounts:
            user = existing.get(planned.email)
            registered = user is None
            if user is None:
                user = registrar.register(planned.email, planned.name, seed_plan.password, planned.role)
            else:
                user = registrar.give_role(user, planned.role)
            seeded.append(SeededAccount(planned.email, planned.name, planned.role, str(user.id), registered))
        return seeded

    # ----- the month before today, on the backbone

    async def publish_history(self, seed_plan: SeedPlan, ids: dict[str, str], model_version: str) -> int:
        async with Redis.from_url(self.redis_url, decode_responses=True) as redis:
            publisher = EventPublisher(redis, source=SOURCE)
            last_entry = None
            for use in seed_plan.uses:
                last_entry = await publisher.publish_event(history_event(use, ids[use.email], model_version))
            if last_entry is not None:
                await self._wait_until_stored(redis, last_entry)
        return len(seed_plan.uses)

    async def wait_for_ingestion(self) -> None:
        """Until reporting-bridge has stored every event on platform.events so far."""
        async with Redis.from_url(self.redis_url, decode_responses=True) as redis:
            info = await redis.xinfo_stream(Stream.PLATFORM_EVENTS)
            await self._wait_until_stored(redis, info["last-generated-id"])

    async def _wait_until_stored(self, redis: Redis, entry_id: str) -> None:
        """Until the `reporting` group has been delivered `entry_id` and acknowledged everything up to it (it acks
        after storing: an acknowledged entry is in the event store, or in the dead-letter stream)."""
        deadline = self.clock() + INGESTION_WAIT_SECONDS
        while True:
            groups = {g["name"]: g for g in await redis.xinfo_groups(Stream.PLATFORM_EVENTS)}
            group = groups.get(ConsumerGroup.REPORTING)
            if group is not None and _entry_key(group["last-delivered-id"]) >= _entry_key(entry_id):
                pending = await redis.xpending_range(Stream.PLATFORM_EVENTS, ConsumerGroup.REPORTING, "-", entry_id, 1)
                if not pending:
                    return
            if self.clock() > deadline:
                raise SeedFailed(f"reporting-bridge has not stored the events up to {entry_id} within "
                                 f"{INGESTION_WAIT_SECONDS} s (is it running? ./platform status)")
            await asyncio.sleep(0.2)

    # ----- today, through the API

    def use_today(self, work: TodaysWork, password: str, result: SeedResult) -> None:
        api = self.signed_in(work.email, password, work.email)
        pickup = (datetime.now(UTC) + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
        pickup_at = pickup.strftime("%Y-%m-%dT%H:%M:%SZ")
        for shipment in work.single:
            api.expect(predict_eta.sync_detailed(client=api.inference, body=Shipment.from_dict(
                shipment.with_pickup(pickup_at))), EtaPrediction, 200)
        api.expect(predict_eta_batch.sync_detailed(client=api.inference, body=EtaBatchRequest.from_dict(
            {"shipments": [s.with_pickup(pickup_at) for s in work.batch]})), EtaBatchResponse, 200)
        result.predictions_today += len(work.single) + len(work.batch)
        upload = Upload(payload=_csv_of([s.with_pickup(pickup_at) for s in work.job]).encode(),
                        file_name="shipments.csv", mime_type="text/csv")
        job = api.expect(create_inference_job.sync_detailed(client=api.inference,
                                                            body=CreateInferenceJobFilesBody(file=upload)), Job, 202)
        job = self._until(lambda: api.expect(get_inference_job.sync_detailed(UUID(job.id), client=api.inference), Job, 200),
                          lambda j: j.status in (JobStatus.SUCCEEDED, JobStatus.FAILED), JOB_WAIT_SECONDS,
                          f"{work.email}'s job {job.id}")
        result.jobs.append((work.email, job.id, str(job.status)))
        report = self._report(api, ReportTypeId.INFERENCE_USAGE, result.plan, GroupBy.NONE)
        result.reports.append((work.email, "own inference usage by day", report))
        self.out(f"today: {work.email} predicted {len(work.single)} ETAs and a batch of {len(work.batch)}, "
                 f"ran a job of {len(work.job)} shipments ({job.status}), requested a report")

    def request_reports(self, admin: PlatformSession, result: SeedResult) -> None:
        for what, report_type, group_by in (
                ("inference usage by day", ReportTypeId.INFERENCE_USAGE, GroupBy.NONE),
                ("inference usage by lane", ReportTypeId.INFERENCE_USAGE, GroupBy.LANE),
                ("platform activity by day", ReportTypeId.PLATFORM_ACTIVITY, GroupBy.EVENT_TYPE),
                ("sign-ups by role", ReportTypeId.USER_SIGNUPS, GroupBy.ROLE)):
            result.reports.append((self.admin_email, what, self._report(admin, report_type, result.plan, group_by)))
        self.out(f"reports: {len(result.reports)} ready")

    def _report(self, api: PlatformSession, report_type: ReportTypeId, seed_plan: SeedPlan, group_by: GroupBy) -> Report:
        """The report of the month up to today, once ready."""
        request = CreateReportRequest(type_=report_type, params=ReportParams(
            from_=seed_plan.first_day, to=seed_plan.today, granularity=Granularity.DAY, group_by=group_by))
        created = api.expect(create_report.sync_detailed(client=api.reporting, body=request), Report, 202)
        report = self._until(lambda: api.expect(get_report.sync_detailed(created.id, client=api.reporting), Report, 200),
                             lambda r: r.status in (ReportStatus.READY, ReportStatus.FAILED), REPORT_WAIT_SECONDS,
                             f"report {created.id} ({report_type})")
        if report.status != ReportStatus.READY:
            raise SeedFailed(f"report {report.id} ({report_type}) failed: {report.error}")
        return report

    # ----- helpers

    def session(self) -> PlatformSession:
        api = PlatformSession(self.gateway_url, timeout=30)
        self.sessions.append(api)
        return api

    def signed_in(self, email: str, password: str, who: str) -> PlatformSession:
        api = self.session()
        answer = self.patiently(lambda: login.sync_detailed(client=api.auth, body=LoginRequest(email=email,
                                                                                             password=password)))
        if answer.status_code == 401:
            raise SeedFailed(f"{who} could not sign in: wrong password (the seed's scheme is seeded-password-<seed>; "
                             "the admin's is the ADMIN_PASSWORD the platform was started with)")
        api.tokens = api.expect(answer, TokenResponse, 200)
        return api

    def patiently(self, call: Callable[[], Model]) -> Model:
        """`call` again after the wait a 429 asks for (Retry-After): sign-in and registration are limited per address
        (RATE_LIMIT_SIGN_IN a minute, default 10), and a first seed registers more accounts than that."""
        while True:
            answer = call()
            if getattr(answer, "status_code", None) != 429:
                return answer
            wait = float(answer.headers.get("retry-after") or 1)  # type: ignore[attr-defined]
            if self.clock() + wait > self.rate_limited_until:
                raise SeedFailed("the gateway's sign-in rate limit (RATE_LIMIT_SIGN_IN) kept refusing for "
                                 f"{RATE_LIMIT_WAIT_SECONDS} s")
            self.out(f"      … the gateway limits sign-ins and registrations per address: waiting {wait:.0f} s "
                     "as its Retry-After says")
            time.sleep(wait)  # the wait the server asked for

    def _until(self, fetch: Callable[[], Model], done: Callable[[Model], bool], seconds: float, what: str) -> Model:
        deadline = self.clock() + seconds
        while True:
            value = fetch()
            if done(value):
                return value
            if self.clock() > deadline:
                raise SeedFailed(f"{what} did not finish within {seconds:.0f} s")
            time.sleep(0.25)


def _entry_key(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


def _csv_of(shipments: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(shipments[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(shipments)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- the command


def seed_platform(gateway_url: str, redis_url: str, admin_email: str, admin_password: str, *, seed: int = DEFAULT_SEED,
                  users: int = DEFAULT_USERS, active: int = ACTIVE_TODAY, out: Callable[[str], None] = print
                  ) -> SeedResult:
    """Loads the data set of `seed` into the platform at `gateway_url` (its backbone: `redis_url`) and returns what
    it loaded; SeedFailed or ApiError when the platform refuses something."""
    return Seeder(gateway_url, redis_url, admin_email, admin_password, out).run(plan(seed, users, active=active))


def summary(result: SeedResult, gateway_url: str) -> list[str]:
    seed_plan = result.plan
    roles = Counter(a.role for a in result.accounts)
    per_account: Counter[str] = Counter()
    for use in seed_plan.uses:
        per_account[use.email] += use.predictions
    days = seed_plan.uses_per_day()
    lines = [f"Seeded {gateway_url} with seed {seed_plan.seed} in {result.seconds:.1f} s:",
             (f"  accounts: {len(result.accounts)} ({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))}), "
             f"{sum(a.registered for a in result.accounts)} registered now; the bootstrap admin {result.admin_email} too"),
             (f"  history: {result.events_published} model uses ({sum(p for _, p in days.values())} predictions) on "
             f"{len(days)} of the {DAYS} days {seed_plan.first_day} to {seed_plan.today - timedelta(days=1)}, "
             "as inference.usage events"),
             (f"  today: {result.predictions_today} predictions, {len(result.jobs)} CSV jobs "
             f"({', '.join(sorted({s for _, _, s in result.jobs}))}), {len(result.reports)} reports ready"),
             (f"Sign in at {gateway_url}/ with any of these (password: {seed_plan.password}; "
             "the bootstrap admin's: ADMIN_PASSWORD):")]
    width = max(len(a.email) for a in result.accounts)
    for account in result.accounts:
        used = f"{per_account[account.email]} predictions this month" if account.role != "viewer" else "reads only"
        lines.append(f"  {account.role:<6}  {account.email:<{width}}  {account.name}, {used}")
    for email, what, report in result.reports:
        lines.append(f"  report {report.id}: {what} ({report.row_count} rows), {email}'s")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./platform seed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", required=True, help="the platform's public entry, e.g. http://localhost:8080")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="the platform's Redis, its event backbone (default REDIS_URL)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"the data set (default {DEFAULT_SEED})")
    parser.add_argument("--users", type=int, default=DEFAULT_USERS,
                        help=f"seeded accounts besides the bootstrap admin (default {DEFAULT_USERS})")
    parser.add_argument("--active", type=int, default=ACTIVE_TODAY,
                        help=f"accounts that sign in and use the API today (default {ACTIVE_TODAY})")
    args = parser.parse_args(argv)
    admin_email, admin_password = os.environ.get("ADMIN_EMAIL"), os.environ.get("ADMIN_PASSWORD")
    if not admin_email or not admin_password:
        parser.error("no bootstrap admin to give the seeded accounts their roles: set ADMIN_EMAIL and ADMIN_PASSWORD "
                     "(in .env), start the platform with them (./platform down; ./platform up --detach), then seed")
    if not args.redis_url:
        parser.error("name the platform's Redis: --redis-url or REDIS_URL")
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users takes 1 to {MAX_USERS}")
    seed_plan = plan(args.seed, args.users, active=args.active)
    print(f"Seeding {args.gateway} with seed {args.seed}: {len(seed_plan.accounts)} accounts, "
          f"{len(seed_plan.uses)} model uses over {DAYS} days")
    try:
        result = Seeder(args.gateway, args.redis_url, admin_email, admin_password).run(seed_plan)
    except (SeedFailed, ApiError) as e:
        print(f"The seed stopped: {e}", file=sys.stderr)
        return 1
    except (httpx.HTTPError, RedisError, OSError) as e:
        print(f"The seed stopped: the platform did not answer ({e}); is it up? (./platform status)", file=sys.stderr)
        return 1
    print("\n".join(summary(result, args.gateway.rstrip("/"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
