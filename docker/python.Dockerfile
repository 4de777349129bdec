# syntax=docker/dockerfile:1
#
# The image of every Python process (FastAPI services and their job workers), one per entry module.
# Build context = repository root:
#   docker build -f docker/python.Dockerfile --build-arg SERVICE=reporting-bridge \
#       --build-arg MODULE=reporting_bridge --build-arg PORT=8002 .
# compose.yaml passes the build args per service; checks/test_compose_policy.py holds them to the
# launcher's table (launcher/config.py).
#
# SERVICE:       the uv workspace member installed into the image (inference-bridge, reporting-bridge).
# MODULE:        what the container runs, `python -m <MODULE>` (reporting_bridge, reporting_bridge.worker, ...).
# PORT:          the port it listens on (documentation for `docker run -P`; the process reads its own
#                <NAME>_PORT variable).
# MODEL_TRAINER: a module that trains the service's model at build time, `python -m <it> --output /app/models`
#                (inference-bridge and its worker: inference_bridge.domain.model.train); empty for a service without one.
# A service and its worker share SERVICE and MODEL_TRAINER, so their build stage (and the model) is built once.

# uv comes from its official image, pinned to the version the workspace's build backend
# (uv_build 0.13.x) and uv.lock were made with.
FROM ghcr.io/astral-sh/uv:0.13.8 AS uv

# One interpreter image for both stages: the virtual environment built below links to this
# exact Python, so the runtime stage must be the same image.
FROM python:3.11.15-slim-bookworm AS python

# ---- build: a self-contained virtual environment from uv.lock
FROM python AS build
ARG SERVICE
ARG MODEL_TRAINER=""
COPY --from=uv /uv /usr/local/bin/uv

# UV_PROJECT_ENVIRONMENT: the venv lives at the path it will have at runtime (its scripts hold
#   absolute paths). UV_PYTHON_DOWNLOADS=never: use this image's Python, never a downloaded one.
# UV_COMPILE_BYTECODE: compile once here instead of on every container start (read-only code).
# UV_LINK_MODE=copy: the uv cache is a mount on another filesystem, so hard links cannot work.
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /src

# 1) Third-party dependencies only. uv needs the workspace root and every member's pyproject.toml
#    to read the workspace, but no source code; this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
COPY python-service-kit/pyproject.toml python-service-kit/
COPY python-service-kit-testing/pyproject.toml python-service-kit-testing/
COPY inference-bridge/pyproject.toml inference-bridge/
COPY reporting-bridge/pyproject.toml reporting-bridge/
COPY contracts/types/python/pyproject.toml contracts/types/python/
COPY contracts/clients/python/pyproject.toml contracts/clients/python/
COPY sandbox/python/pyproject.toml sandbox/python/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${SERVICE:?}" --no-install-workspace

# 2) The workspace packages this service needs, installed as real wheels (--no-editable), so the
#    runtime stage needs the venv and nothing else from the source tree.
COPY contracts/types/python/ contracts/types/python/
COPY python-service-kit/ python-service-kit/
COPY ${SERVICE}/ ${SERVICE}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${SERVICE}" --no-editable

# 3) The service's model, when it has one: trained at build time (seeded: every build makes the same
#    artifact; a few seconds). inference-bridge and its worker refuse to start without it.
RUN mkdir -p /app/models \
    && if [ -n "${MODEL_TRAINER}" ]; then /app/.venv/bin/python -m "${MODEL_TRAINER}" --output /app/models; fi

# ---- runtime: interpreter + venv, non-root
FROM python AS runtime

# A fixed numeric UID lets orchestrators verify "runAsNonRoot" without reading /etc/passwd.
# /app/var is PLATFORM_DATA_DIR's default (./var): the only place the service may write.
RUN groupadd --system --gid 10001 polyglot \
    && useradd --system --uid 10001 --gid polyglot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin polyglot \
    && mkdir -p /app/var \
    && chown polyglot:polyglot /app/var
WORKDIR /app

# Owned by root: the running service cannot modify its own code, nor its model.
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/models /app/models

# Declared this late so that a service and its worker share every layer above.
ARG MODEL_TRAINER=""
ARG MODULE
ARG PORT

# MODEL_DIR: the trained model, for a service that has one (empty, "the default", for the others).
# SERVICE_MODULE: what CMD runs (an exec-form CMD cannot read a build arg).
# PYTHONUNBUFFERED: log lines reach `docker logs` as they are written.
# PYTHONDONTWRITEBYTECODE: the venv is read-only to the service and already compiled.
ENV PATH="/app/.venv/bin:${PATH}" \
    MODEL_DIR="${MODEL_TRAINER:+/app/models}" \
    SERVICE_MODULE="${MODULE:?}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

USER 10001:10001
EXPOSE ${PORT:?}

# exec: python replaces the shell, so it receives the signals (tini, compose's init, forwards them).
CMD ["/bin/sh", "-c", "exec python -m \"$SERVICE_MODULE\""]
