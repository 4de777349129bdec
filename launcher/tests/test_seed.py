"""The seed's data set, planned without a platform: deterministic per seed, a month before today, valid for the
contracts. Loading it into a real platform, and what the reports then show: e2e/test_seed.py."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from contract_types.openapi.inference import EtaBatchRequest
from contract_types.openapi.inference import Shipment as ContractShipment
from service_kit.events import decode_event, occurred_at

from launcher.seed import DAYS, SOURCE, _split, history_event, plan, usage_payload

TODAY = date(2026, 12, 3)
USER_ID = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"


def test_the_same_seed_gives_the_same_data_set():
    assert plan(7, 10, TODAY) == plan(7, 10, TODAY)


def test_another_seed_gives_other_accounts_and_other_history():
    first, second = plan(7, 10, TODAY), plan(8, 10, TODAY)
    assert not {a.email for a in first.accounts} & {a.email for a in second.accounts}
    assert first.password != second.password
    assert not {u.event_id for u in first.uses} & {u.event_id for u in second.uses}
    assert first.uses_per_day() != second.uses_per_day()


def test_times_are_the_same_relative_to_the_day_it_runs():
    a_week_later = plan(7, 10, TODAY + timedelta(days=7))
    earlier = plan(7, 10, TODAY)
    assert [replace(u, at=u.at + timedelta(days=7)) for u in earlier.uses] == list(a_week_later.uses)


def test_on_another_weekday_only_the_weekends_drop_other_uses():
    earlier, later = plan(7, 10, TODAY), plan(7, 10, TODAY + timedelta(days=3))
    later_by_id = {u.event_id: u for u in later.uses}
    common = [u for u in earlier.uses if u.event_id in later_by_id]
    assert len(common) > 0.7 * len(earlier.uses)
    assert [replace(u, at=u.at + timedelta(days=3)) for u in common] == [later_by_id[u.event_id] for u in common]
    dropped = [u for u in earlier.uses if u.event_id not in later_by_id]
    assert all((u.at + timedelta(days=3)).weekday() >= 5 for u in dropped)


def test_more_users_add_accounts_without_changing_the_others():
    few, many = plan(7, 4, TODAY), plan(7, 10, TODAY)
    assert many.accounts[:4] == few.accounts
    kept = {a.email for a in few.accounts}
    assert [u for u in many.uses if u.email in kept] == list(few.uses)


def test_every_role_and_who_uses_the_model():
    seeded = plan(7, 4, TODAY)
    assert [a.role for a in seeded.accounts] == ["admin", "user", "user", "viewer"]
    viewer = seeded.accounts[3]
    assert not viewer.uses_model and not viewer.active_today
    assert not seeded.uses_per_day(viewer.email)
    assert [w.email for w in seeded.work] == [a.email for a in seeded.accounts[:3]]
    assert all(seeded.uses_per_day(a.email) for a in seeded.accounts[:3])
    assert len(seeded.password) >= 12  # auth-service's minimum
    assert len({a.email for a in plan(7, 40, TODAY).accounts}) == 40


def test_the_history_is_a_month_before_today_busier_on_weekdays():
    seeded = plan(7, 10, TODAY)
    midnight = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    assert all(midnight - timedelta(days=DAYS) <= u.at < midnight for u in seeded.uses)
    days = seeded.uses_per_day()
    assert len(days) == DAYS  # ten accounts: some use every day, weekends included
    weekday = [uses for day, (uses, _) in days.items() if day.weekday() < 5]
    weekend = [uses for day, (uses, _) in days.items() if day.weekday() >= 5]
    assert sum(weekend) / len(weekend) < 0.5 * sum(weekday) / len(weekday)
    first_week = sum(days[TODAY - timedelta(days=d)][0] for d in range(DAYS, DAYS - 7, -1))
    last_week = sum(days[TODAY - timedelta(days=d)][0] for d in range(7, 0, -1))
    assert last_week > first_week  # growing use over the month
    assert len({u.event_id for u in seeded.uses}) == len(seeded.uses)
    assert {u.operation for u in seeded.uses} == {"eta", "eta_batch"}


def test_every_use_is_an_inference_usage_event_the_contract_accepts():
    seeded = plan(7, 4, TODAY)
    for use in seeded.uses:
        payload = usage_payload(use, USER_ID, "1.4.0")  # the generated model checks every constraint
        assert sum(lane.predictions for lane in payload.lanes) == payload.predictions
        event = history_event(use, USER_ID, "1.4.0")  # the envelope too, as a consumer reads it
        assert decode_event(event.model_dump_json()).data["predictions"] == use.predictions


def test_todays_shipments_are_valid_requests():
    for work in plan(7, 10, TODAY).work:
        shipments = [s.with_pickup("2026-12-03T18:00:00Z") for s in (*work.single, *work.batch, *work.job)]
        for shipment in shipments:
            ContractShipment.model_validate(shipment)
        EtaBatchRequest.model_validate({"shipments": [s.with_pickup("2026-12-03T18:00:00Z") for s in work.batch]})


def test_a_batch_is_split_into_positive_counts_over_its_lanes():
    import random

    rng = random.Random(1)
    for total, parts in ((1, 1), (2, 2), (3, 3), (25, 3), (1000, 3)):
        split = _split(rng, total, parts)
        assert sum(split) == total and all(n >= 1 for n in split) and len(split) == parts


def test_many_seeds_plan_consistent_uses():
    for seed in range(1, 31):
        for use in plan(seed, 10, TODAY).uses:
            assert sum(lane.predictions for lane in use.lanes) == use.predictions >= 1
            assert len({(lane.origin, lane.destination) for lane in use.lanes}) == len(use.lanes)


def test_every_use_happens_on_its_planned_day():
    """Reports bucket by the event's `time`: it is the use's moment, on the day the plan counts it."""
    for use in plan(7, 10, TODAY).uses:
        event = history_event(use, USER_ID, "1.4.0")
        assert occurred_at(event) == use.at
        assert event.data["occurred_at"] == event.time and event.id == use.event_id and event.source == SOURCE
