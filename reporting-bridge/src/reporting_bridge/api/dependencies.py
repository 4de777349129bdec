"""What the routes take as parameters (FastAPI dependencies): who is asking, the database engine and the event
publisher. The app's lifespan (`reporting_bridge.app`) opens them once per app and hands them to requests in
the lifespan state, which is read here and nowhere else."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from service_kit.auth import Principal, SignedIn, require_principal
from service_kit.events import Publisher

# Publisher and SignedIn are the kit's, named here too so that the routes take everything from one module.
__all__ = ["Database", "Publisher", "SignedIn", "Submitter", "get_engine"]


def get_engine(request: Request) -> Engine:
    engine: Engine = request.state.engine
    return engine


# A viewer can read, not submit work.
Submitter = Annotated[Principal, Depends(require_principal("user", "admin"))]
Database = Annotated[Engine, Depends(get_engine)]
