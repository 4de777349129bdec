"""What the service keeps: per user, the predictions the platform made for them, by operation, lane and model.

In memory, on purpose small: the consumer group remembers what was read (a restarted instance reads on from there),
so a real deployment would keep this in a database of its own; the example keeps the shape, not the storage.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from contract_types.events import InferenceUsage


@dataclass
class UserUsage:
    predictions: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)
    by_lane: Counter[str] = field(default_factory=Counter)  # "TX->IL"
    model_versions: set[str] = field(default_factory=set)

    def top_lanes(self, count: int = 5) -> list[tuple[str, int]]:
        """The most predicted lanes, most first; ties in name order (a stable answer)."""
        return sorted(self.by_lane.items(), key=lambda item: (-item[1], item[0]))[:count]


class UsageDigest:
    def __init__(self) -> None:
        self._users: dict[str, UserUsage] = {}
        self._lock = threading.Lock()  # recorded on the consumer's task, read by requests

    def record(self, usage: InferenceUsage) -> None:
        with self._lock:
            user = self._users.setdefault(str(usage.user_id), UserUsage())
            user.predictions += usage.predictions
            user.by_operation[usage.operation.value] += usage.predictions
            for lane in usage.lanes:
                user.by_lane[f"{lane.origin.value}->{lane.destination.value}"] += lane.predictions
            user.model_versions.add(usage.model_version)

    def of(self, user_id: str) -> UserUsage:
        """A copy of the user's usage (empty when the platform made them no prediction)."""
        with self._lock:
            found = self._users.get(user_id, UserUsage())
            return UserUsage(found.predictions, Counter(found.by_operation), Counter(found.by_lane),
                             set(found.model_versions))
