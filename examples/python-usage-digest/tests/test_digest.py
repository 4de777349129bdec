"""The digest's arithmetic, without a platform."""

import uuid

from contract_types.events import InferenceUsage
from usage_digest.digest import UsageDigest

USER = uuid.uuid4()


def usage(operation: str, lanes: list[tuple[str, str, int]], version: str = "1.0.0") -> InferenceUsage:
    return InferenceUsage.model_validate({
        "user_id": str(USER), "operation": operation, "model_version": version,
        "predictions": sum(n for _, _, n in lanes), "latency_ms": 3.0, "mean_delay_probability": 0.2,
        "lanes": [{"origin": o, "destination": d, "predictions": n, "mean_delay_probability": 0.2} for o, d, n in lanes],
        "occurred_at": "2026-12-03T10:00:00Z",
    })


def test_usage_adds_up_by_operation_lane_and_model():
    digest = UsageDigest()
    digest.record(usage("eta", [("TX", "IL", 1)]))
    digest.record(usage("job", [("TX", "IL", 2), ("CA", "NV", 3)], version="1.0.1"))

    mine = digest.of(str(USER))

    assert mine.predictions == 6
    assert mine.by_operation == {"eta": 1, "job": 5}
    assert mine.top_lanes() == [("CA->NV", 3), ("TX->IL", 3)]  # ties in name order
    assert mine.model_versions == {"1.0.0", "1.0.1"}


def test_a_user_without_predictions_has_an_empty_digest_and_a_copy_cannot_change_it():
    digest = UsageDigest()
    empty = digest.of(str(uuid.uuid4()))
    empty.predictions = 99

    assert digest.of(str(uuid.uuid4())).predictions == 0
