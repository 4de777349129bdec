"""schemathesis hooks of the `fuzz` suite.

The stateful phase chains responses into requests: an id from GET /api/auth/me becomes the `id` of
DELETE /api/auth/users/{id}. Run with the admin's token, that deletes the very accounts whose tokens the run uses
(seen: every later call then measured 401s). The accounts named in FUZZ_PROTECTED_IDS are swapped for a random id
in a DELETE, which the service answers with a 404 as for any unknown user.
"""

from __future__ import annotations

import os
import uuid

import schemathesis

PROTECTED_IDS = {value for value in os.environ.get("FUZZ_PROTECTED_IDS", "").split(",") if value}


@schemathesis.hook
def before_call(context, case, kwargs):  # noqa: ANN001, ANN201 (schemathesis' hook signature)
    if case.method.upper() == "DELETE" and str((case.path_parameters or {}).get("id")) in PROTECTED_IDS:
        case.path_parameters["id"] = str(uuid.uuid4())
