"""What the reporting processes import to start: pandas (about 45 MiB) waits for the first report or rendered file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

IMPORT_AND_LIST_MODULES = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.mark.parametrize("entry_point", ["reporting_bridge.__main__", "reporting_bridge.worker.__main__"])
def test_starting_a_reporting_process_imports_no_pandas(entry_point: str):
    finished = subprocess.run([sys.executable, "-c", IMPORT_AND_LIST_MODULES, entry_point], capture_output=True,
                              text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    modules = set(json.loads(finished.stdout.splitlines()[-1]))
    assert "reporting_bridge" in modules and "sqlalchemy" in modules, "the entry point's own imports ran"
    assert "pandas" not in modules
