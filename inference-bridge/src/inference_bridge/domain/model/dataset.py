"""The seeded synthetic shipment dataset the ETA model learns from.

There is no public shipment log with ETAs, so the data is generated, with a process written down here and in
docs/flows.md ("ETA predictions and inference jobs"). Every row is one US truckload/less-than-truckload/intermodal shipment:

- origin, destination: two-letter codes of the 48 contiguous states and DC, drawn with weights roughly
  proportional to freight volume (a few hubs such as TX, CA, IL dominate); 20 % of shipments stay in-state.
- distance_km: great-circle distance between the two states' centroids times a road factor of 1.2, with
  log-normal noise (sd 0.15); in-state shipments draw 30 to 600 km.
- weight_kg: log-normal, heavier for ftl (median 12 t) than ltl (median 900 kg) and intermodal (18 t).
- mode: ftl 45 %, ltl 40 %, intermodal 15 % (intermodal only over 800 km; shorter draws become ftl).
- carrier: one of CARRIERS, each with a speed factor and an on-time reliability; 6 % of rows are small carriers
  recorded as "other" (the category unknown carriers map to at prediction time).
- pickup_at: a timestamp in 2025-2026; weekday, hour and season matter.

Transit hours = dwell (ftl 2 h, ltl 20 h, intermodal 36 h) + distance / mode speed (ftl 62, ltl 48,
intermodal 40 km/h of effective door-to-door progress, i.e. with driver rest) x carrier speed factor, then:
+ the wait until Monday 08:00 for ltl/intermodal picked up Friday after 14:00 or on a weekend (ftl drivers run
weekends but lose 6 h); + the wait until 08:00 for pickups after 18:00 or before 06:00; x1.12 in the Nov-Dec
peak; x1.08 in Jan-Feb for shipments touching a northern state (snow); + 0.2 h per tonne over 10 t for ltl;
then log-normal noise (sd 0.12, scaled up by the carrier's unreliability), and with probability 4 % x
unreliability an incident adding 12 to 48 h.

Late: the shipment arrives after its service standard, a quote that knows only mode and distance: ftl 1 day
per 800 km, ltl 1 day per 500 km + 1, intermodal 1 day per 600 km + 2, whole days, at least one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# Bump when the generating process changes: it is part of the model version.
GENERATOR_VERSION = 1

MODES = ("ftl", "ltl", "intermodal")
OTHER_CARRIER = "other"

# carrier id -> (speed factor, unreliability): >1 slower; 1.0 = average reliability.
CARRIER_PROFILES: dict[str, tuple[float, float]] = {
    "swift": (0.96, 0.8),
    "schneider": (0.98, 0.7),
    "jbhunt": (0.97, 0.9),
    "werner": (1.00, 1.0),
    "knight": (1.02, 1.1),
    "xpo": (1.01, 1.0),
    "odfl": (0.95, 0.6),
    "estes": (1.04, 1.3),
    "saia": (1.03, 1.2),
    "yrc": (1.08, 1.8),
    OTHER_CARRIER: (1.06, 1.6),
}
CARRIERS = tuple(CARRIER_PROFILES)

# state -> (latitude, longitude of its population centre, relative freight volume, northern)
STATES: dict[str, tuple[float, float, float, bool]] = {
    "AL": (33.0, -86.8, 2, False), "AZ": (33.4, -112.0, 3, False), "AR": (35.0, -92.4, 1.5, False),
    "CA": (35.5, -119.4, 10, False), "CO": (39.6, -105.0, 2, True), "CT": (41.5, -72.8, 1, True),
    "DE": (39.4, -75.5, 0.5, False), "DC": (38.9, -77.0, 0.3, False), "FL": (27.8, -81.7, 6, False),
    "GA": (33.5, -84.2, 5, False), "ID": (43.6, -116.0, 0.7, True), "IL": (41.3, -88.4, 7, True),
    "IN": (40.0, -86.3, 4, True), "IA": (41.9, -93.0, 2, True), "KS": (38.5, -97.0, 1.5, True),
    "KY": (37.8, -85.3, 2, False), "LA": (30.7, -91.5, 2, False), "ME": (44.3, -69.8, 0.5, True),
    "MD": (39.1, -76.8, 2, False), "MA": (42.3, -71.4, 2, True), "MI": (42.9, -84.2, 4, True),
    "MN": (45.2, -93.5, 2.5, True), "MS": (32.5, -89.6, 1, False), "MO": (38.4, -92.2, 2.5, True),
    "MT": (46.8, -110.4, 0.5, True), "NE": (41.2, -97.0, 1, True), "NV": (36.9, -116.0, 1, False),
    "NH": (43.2, -71.5, 0.5, True), "NJ": (40.4, -74.4, 4, True), "NM": (34.6, -106.3, 0.7, False),
    "NY": (41.5, -74.6, 5, True), "NC": (35.6, -79.4, 4, False), "ND": (47.4, -99.6, 0.5, True),
    "OH": (40.5, -82.7, 5, True), "OK": (35.6, -97.0, 2, False), "OR": (44.7, -122.5, 1.5, True),
    "PA": (40.5, -77.0, 5, True), "RI": (41.8, -71.4, 0.3, True), "SC": (34.0, -81.0, 2, False),
    "SD": (43.9, -98.9, 0.4, True), "TN": (35.8, -86.4, 4, False), "TX": (31.0, -97.4, 10, False),
    "UT": (40.5, -111.8, 1.5, True), "VT": (44.1, -72.8, 0.3, True), "VA": (37.8, -77.8, 3, False),
    "WA": (47.3, -121.6, 3, True), "WV": (38.8, -80.9, 0.7, False), "WI": (43.7, -89.0, 2.5, True),
    "WY": (42.8, -107.5, 0.4, True),
}
# The states the generated lanes run between. The valid input codes are the contract's (UsStateCode in
# contracts/openapi/inference.yaml): codes outside STATE_CODES (AK, HI, PR, ...) are valid shipments the model has
# seen no lane of; it answers for them from distance, mode and time alone.
STATE_CODES = tuple(STATES)

FEATURES = ("origin", "destination", "distance_km", "weight_kg", "mode", "carrier",
            "pickup_weekday", "pickup_hour", "pickup_month")
CATEGORICAL_FEATURES = ("origin", "destination", "mode", "carrier")

MODE_DWELL_HOURS = {"ftl": 2.0, "ltl": 20.0, "intermodal": 36.0}
MODE_SPEED_KMH = {"ftl": 62.0, "ltl": 48.0, "intermodal": 40.0}
# Service standard: (km per day, extra days)
MODE_STANDARD = {"ftl": (800.0, 0), "ltl": (500.0, 1), "intermodal": (600.0, 2)}


@dataclass(frozen=True)
class Dataset:
    features: pd.DataFrame  # columns FEATURES (categoricals as strings)
    transit_hours: np.ndarray
    late: np.ndarray  # bool


def great_circle_km(origin: np.ndarray, destination: np.ndarray) -> np.ndarray:
    lat = {code: np.radians(v[0]) for code, v in STATES.items()}
    lon = {code: np.radians(v[1]) for code, v in STATES.items()}
    lat1 = np.array([lat[c] for c in origin])
    lat2 = np.array([lat[c] for c in destination])
    dlon = np.array([lon[d] - lon[o] for o, d in zip(origin, destination, strict=True)])
    cos_angle = np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(dlon)
    return 6371.0 * np.arccos(np.clip(cos_angle, -1.0, 1.0))


def service_standard_hours(mode: np.ndarray, distance_km: np.ndarray) -> np.ndarray:
    km_per_day = np.array([MODE_STANDARD[m][0] for m in mode])
    extra_days = np.array([MODE_STANDARD[m][1] for m in mode])
    days = np.maximum(1, np.ceil(distance_km / km_per_day) + extra_days)
    return days * 24.0


def generate(rows: int, seed: int) -> Dataset:
    """`rows` shipments, the same for the same seed on every machine (numpy's PCG64)."""
    import pandas as pd  # here: the serving processes import this module for its constants, and need no pandas

    rng = np.random.default_rng(seed)
    volume = np.array([STATES[c][2] for c in STATE_CODES], dtype=float)
    volume /= volume.sum()
    origin = rng.choice(STATE_CODES, size=rows, p=volume)
    destination = rng.choice(STATE_CODES, size=rows, p=volume)
    in_state = rng.random(rows) < 0.2
    destination = np.where(in_state, origin, destination)
    same = origin == destination

    distance = great_circle_km(origin, destination) * 1.2 * rng.lognormal(0.0, 0.15, rows)
    distance = np.where(same, rng.uniform(30, 600, rows), np.maximum(distance, 30.0))

    mode = rng.choice(MODES, size=rows, p=[0.45, 0.40, 0.15])
    mode = np.where((mode == "intermodal") & (distance < 800), "ftl", mode)
    weight_median = np.select([mode == "ftl", mode == "ltl"], [12_000.0, 900.0], 18_000.0)
    weight = np.clip(weight_median * rng.lognormal(0.0, 0.5, rows), 20.0, 36_000.0)

    carrier_weights = np.array([0.94 / (len(CARRIERS) - 1)] * (len(CARRIERS) - 1) + [0.06])
    carrier = rng.choice(CARRIERS, size=rows, p=carrier_weights)
    speed_factor = np.array([CARRIER_PROFILES[c][0] for c in carrier])
    unreliability = np.array([CARRIER_PROFILES[c][1] for c in carrier])

    start = np.datetime64("2025-01-01T00:00")
    minutes = rng.integers(0, 2 * 365 * 24 * 60, rows)
    pickup = pd.DatetimeIndex(start + minutes.astype("timedelta64[m]"))
    weekday = pickup.day_of_week.to_numpy()  # Monday = 0
    hour = pickup.hour.to_numpy() + pickup.minute.to_numpy() / 60.0
    month = pickup.month.to_numpy()

    dwell = np.array([MODE_DWELL_HOURS[m] for m in mode])
    speed = np.array([MODE_SPEED_KMH[m] for m in mode])
    hours = dwell + distance / speed * speed_factor

    # Waiting for the next working morning.
    weekend_pickup = (weekday >= 5) | ((weekday == 4) & (hour >= 14))
    hours_to_monday = ((7 - weekday) % 7) * 24.0 + 8.0 - hour
    hours_to_monday = np.where(hours_to_monday <= 0, hours_to_monday + 7 * 24.0, hours_to_monday)
    hours += np.where(weekend_pickup & (mode != "ftl"), hours_to_monday, 0.0)
    hours += np.where(weekend_pickup & (mode == "ftl"), 6.0, 0.0)
    night = (hour >= 18) | (hour < 6)
    hours += np.where(night & ~weekend_pickup, (8.0 - hour) % 24.0, 0.0)

    northern = np.array([STATES[o][3] or STATES[d][3] for o, d in zip(origin, destination, strict=True)])
    hours *= np.where((month >= 11), 1.12, 1.0)
    hours *= np.where((month <= 2) & northern, 1.08, 1.0)
    hours += np.where(mode == "ltl", np.maximum(0.0, weight / 1000.0 - 10.0) * 0.2, 0.0)

    hours *= rng.lognormal(0.0, 0.12 * unreliability, rows)
    incident = rng.random(rows) < 0.04 * unreliability
    hours += np.where(incident, rng.uniform(12, 48, rows), 0.0)

    late = hours > service_standard_hours(mode, distance)
    features = pd.DataFrame({
        "origin": origin, "destination": destination, "distance_km": np.round(distance, 1),
        "weight_kg": np.round(weight, 1), "mode": mode, "carrier": carrier,
        "pickup_weekday": weekday, "pickup_hour": hour, "pickup_month": month,
    })
    return Dataset(features=features, transit_hours=hours, late=late)
