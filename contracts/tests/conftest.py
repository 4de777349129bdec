"""The `contracts` suite (./platform test contracts). test_generated.py drives the launcher's own
`generate()` (the code path of ./platform generate): the launcher is a plain package at the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
