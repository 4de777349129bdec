"""The HTTP API under /api/reports, one module per resource (`reports`); `dependencies` gives the routes what
they use.

Request and response bodies are the contract's models (contract_types.openapi.reporting); `report.requested`
is published as the contract's payload model, onto the stream the contract gives it (reporting.jobs).
"""

from fastapi import APIRouter

from reporting_bridge.api import reports
from reporting_bridge.settings import API_PREFIX

router = APIRouter()
# Under the prefix here rather than on an outer router: POST /api/reports is the reports router's "" path.
router.include_router(reports.router, prefix=API_PREFIX)
