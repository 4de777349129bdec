"""inference-bridge's settings: the variables of .env.example, their defaults, and a refused value named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from inference_bridge.settings import InferenceSettings
from service_kit.settings import describe_refused_variables

VARIABLES = ("INFERENCE_PORT", "INFERENCE_WORKER_PORT", "MODEL_DIR", "PLATFORM_DATA_DIR", "INFERENCE_JOB_TTL_SECONDS",
             "INFERENCE_JOB_CHUNK_ROWS", "INFERENCE_JOB_CHUNK_PAUSE_MS")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_defaults(environment: pytest.MonkeyPatch):
    settings = InferenceSettings()
    assert (settings.port, settings.worker_port, settings.model_dir, settings.job_ttl_seconds,
            settings.job_chunk_rows, settings.job_chunk_pause_ms) == (8001, 8011, Path("var/models"), 86_400, 2000, 0)


def test_the_model_folder_is_model_dir_else_under_the_data_folder(environment: pytest.MonkeyPatch):
    environment.setenv("PLATFORM_DATA_DIR", "/data")
    assert InferenceSettings().model_dir == Path("/data/models")
    environment.setenv("MODEL_DIR", "/models")
    assert InferenceSettings().model_dir == Path("/models")
    environment.setenv("MODEL_DIR", "")
    assert InferenceSettings().model_dir == Path("/data/models")


def test_values_come_from_the_environment(environment: pytest.MonkeyPatch):
    for variable, value in {"INFERENCE_PORT": "18001", "INFERENCE_WORKER_PORT": "18011",
                            "INFERENCE_JOB_TTL_SECONDS": "60", "INFERENCE_JOB_CHUNK_ROWS": "50",
                            "INFERENCE_JOB_CHUNK_PAUSE_MS": "5"}.items():
        environment.setenv(variable, value)
    settings = InferenceSettings()
    assert (settings.port, settings.worker_port, settings.job_ttl_seconds, settings.job_chunk_rows,
            settings.job_chunk_pause_ms) == (18001, 18011, 60, 50, 5)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("INFERENCE_JOB_CHUNK_ROWS", "0", "INFERENCE_JOB_CHUNK_ROWS: Input should be greater than 0, not '0'"),
    ("INFERENCE_JOB_CHUNK_PAUSE_MS", "-1", "INFERENCE_JOB_CHUNK_PAUSE_MS: Input should be greater than or equal to 0"),
    ("INFERENCE_JOB_TTL_SECONDS", "a day", "INFERENCE_JOB_TTL_SECONDS: Input should be a valid integer"),
    ("INFERENCE_PORT", "80000", "INFERENCE_PORT: Input should be less than or equal to 65535"),
])
def test_a_bad_value_is_refused_naming_its_variable(environment: pytest.MonkeyPatch, variable: str, value: str,
                                                    message: str):
    environment.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        InferenceSettings()
    assert describe_refused_variables(refused.value).startswith(message)


@pytest.mark.parametrize("module", ["inference_bridge", "inference_bridge.worker"])
def test_the_processes_refuse_to_start_with_a_bad_value(module: str):
    env = {**os.environ, "INFERENCE_JOB_CHUNK_ROWS": "many"}
    finished = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert "Invalid configuration: INFERENCE_JOB_CHUNK_ROWS: Input should be a valid integer" in finished.stderr
