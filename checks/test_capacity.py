"""docs/capacity.md shows what benchmarks/capacity.py computes from the committed records (benchmarks/measured/), and
that arithmetic does what the page says: instances scale with the load and inversely with the measured figure, the
headroom and the floor of instances apply, a Redis key past one node is named before anything else, and a record that
cannot be used stops the script with the file and the figure named."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from benchmarks.capacity import (
    DOCS_PAGE,
    MEASURED,
    Assumptions,
    Inputs,
    generated_part,
    instances,
    load_inputs,
    paste,
    render,
    size_connections,
    size_requests,
    units,
)
from benchmarks.record import RecordError, read_record, write_record

ROOT = Path(__file__).resolve().parent.parent
ASYNCAPI = ROOT / "contracts" / "asyncapi" / "platform.asyncapi.yaml"
# Round figures, so that halving and doubling stay exact through the rounding up.
INPUTS = Inputs(gateway_requests_per_core=1_000, predictions_per_process=500, java_consumer_events=1_000,
                python_consumer_events=1_000, connections_per_instance=10_000, fanout_frames_per_instance=5_000,
                redis_ops=1_000_000, sources=())
NO_HEADROOM = replace(Assumptions(), headroom=1.0)


def test_the_page_shows_what_the_script_computes_from_the_committed_records():
    expected = render(load_inputs(MEASURED), Assumptions())
    assert generated_part(DOCS_PAGE.read_text(encoding="utf-8")) == expected, (
        "docs/capacity.md differs from benchmarks/capacity.py's output: run "
        "`.venv/bin/python benchmarks/capacity.py --docs` and commit the page")


def test_the_consumer_groups_assumed_are_the_contracts():
    channels = yaml.safe_load(ASYNCAPI.read_text(encoding="utf-8"))["channels"]
    groups = [channel["x-redis-stream"]["consumer_groups"] for channel in channels.values()
              if channel.get("address") == "platform.events"]
    assert len(groups) == 1 and len(groups[0]) == Assumptions().consumer_groups


def test_a_doubled_figure_halves_the_instances():
    faster = replace(INPUTS, gateway_requests_per_core=2_000, predictions_per_process=1_000)
    before, after = size_requests(100_000, INPUTS, NO_HEADROOM), size_requests(100_000, faster, NO_HEADROOM)
    assert (before.parts["gateway"], before.parts["inference-bridge"]) == (50, 100)
    assert (after.parts["gateway"], after.parts["inference-bridge"]) == (25, 50)


def test_ten_times_the_load_takes_ten_times_the_instances():
    assert size_connections(100_000, INPUTS, NO_HEADROOM).parts["notification-service"] == 10
    assert size_connections(1_000_000, INPUTS, NO_HEADROOM).parts["notification-service"] == 100


def test_the_headroom_multiplies_the_load_and_a_part_never_runs_below_the_floor():
    assert units(10_000, 1_000, headroom=1.5) == 15
    assert instances(units(10_001, 1_000, headroom=1.0), NO_HEADROOM) == 11  # a tenth of an instance is one
    assert instances(units(1, 1_000, headroom=1.0), replace(Assumptions(), min_instances=3)) == 3


def test_a_redis_key_past_one_node_is_the_first_bottleneck_and_asks_for_a_split():
    slow_redis = replace(INPUTS, redis_ops=5_000)
    sizing = size_requests(10_000, slow_redis, NO_HEADROOM)
    assert sizing.bottleneck.startswith("the stream platform.events: 10.0× one node")
    assert "split it" in sizing.redis_layout and sizing.redis_layout.startswith("Cluster: ")
    quiet = size_requests(1_000, INPUTS, NO_HEADROOM)
    assert quiet.redis_layout == "one primary + one replica (Sentinel)"
    # 500 predictions/s on processes of 500/s, ahead of the gateway (1,000 req/s on two cores of 1,000/s)
    assert quiet.bottleneck == "inference-bridge: 1.0× one instance"


def test_a_record_written_by_a_benchmark_reads_back(tmp_path):
    path = tmp_path / "redis.json"
    write_record(path, "redis_ops.py", {"ops_per_second": 30_000}, None)
    record = read_record(path, ("ops_per_second",))
    assert record["figures"] == {"ops_per_second": 30_000} and record["machine"]["cores"] >= 1
    write_record(None, "redis_ops.py", {"ops_per_second": 30_000})  # no --record: nothing written, no error
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("content, message", [
    (None, "no such record"),
    ("{not json", "not JSON"),
    ('["figures"]', 'no "figures" object'),
    ('{"figures": {}}', "figures.ops_per_second must be a positive number, found None"),
    ('{"figures": {"ops_per_second": 0}}', "found 0"),
    ('{"figures": {"ops_per_second": "fast"}}', "found 'fast'"),
    ('{"figures": {"ops_per_second": true}}', "found True"),
])
def test_an_unusable_record_is_refused_naming_the_file_and_the_figure(tmp_path, content, message):
    path = tmp_path / "redis.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(RecordError, match=f"^{re.escape(str(path))}: .*{re.escape(message)}"):
        read_record(path, ("ops_per_second",))


def test_the_script_stops_with_the_reason_on_a_bad_record(tmp_path):
    for record in MEASURED.glob("*.json"):
        (tmp_path / record.name).write_text(record.read_text(encoding="utf-8"))
    broken = json.loads((tmp_path / "inference.json").read_text())
    del broken["figures"]["predictions_per_second_per_process"]
    (tmp_path / "inference.json").write_text(json.dumps(broken))
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "capacity.py"), "--measured", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"capacity.py: {tmp_path / 'inference.json'}: "
                                     "figures.predictions_per_second_per_process must be a positive number, found None")


def test_the_table_is_pasted_between_the_markers_and_nowhere_else():
    page = paste(DOCS_PAGE.read_text(encoding="utf-8"), "| new table |\n")
    assert generated_part(page) == "| new table |\n"
    assert page.replace("| new table |\n", "") == paste(DOCS_PAGE.read_text(encoding="utf-8"), "")
    with pytest.raises(ValueError, match="no .* pair"):
        paste("a page without markers\n", "| table |\n")
