"""A batch's shipments validated column by column: the contract's own field types (the generated `Shipment`'s
annotations and constraints), each run by pydantic-core over a whole column, with no `Shipment` model per row
(decision 0033).

`columns_from_document` takes the body as JSON decoded it. When every row is a plain object with exactly the
contract's fields and every column passes its field's type, it returns the columns; otherwise it validates the
body with the generated request type, exactly as before, so that a bad body is reported with the same errors at the
same places (and a body the columns refused but the request type accepts is still served).
"""

from __future__ import annotations

from typing import Annotated, Any

from contract_types.openapi.inference import EtaBatchRequest, Shipment
from pydantic import TypeAdapter, ValidationError

from inference_bridge.domain.predictions import Columns, columns_of, shipment_columns

SHIPMENT_FIELDS = frozenset(Shipment.model_fields)


def _column_type(name: str) -> Any:
    field = Shipment.model_fields[name]
    return list[Annotated[(field.annotation, *field.metadata)]] if field.metadata else list[field.annotation]


# One adapter per field of the contract's Shipment; the rows' list carries EtaBatchRequest.shipments' own bounds.
_COLUMNS = {name: TypeAdapter(_column_type(name)) for name in Shipment.model_fields}
_SHIPMENTS = EtaBatchRequest.model_fields["shipments"]
_ROWS = TypeAdapter(Annotated[(list[Any], *_SHIPMENTS.metadata)])
_REQUEST = TypeAdapter(EtaBatchRequest)


class InvalidShipments(Exception):
    """The body is not what the contract's request type accepts; `errors` are pydantic's, located in the body."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} invalid value(s)")
        self.errors = errors


def columns_from_document(document: Any) -> Columns:
    """The columns of an `EtaBatchRequest` body, or InvalidShipments with the request type's own errors."""
    columns = _plain_columns(document)
    if columns is not None:
        return columns
    try:
        # from_attributes as FastAPI validates a body (its errors for a body that is no object say so)
        request = _REQUEST.validate_python(document, from_attributes=True)
    except ValidationError as error:
        raise InvalidShipments(error.errors(include_url=False)) from None
    return columns_of(request.shipments)


def _plain_columns(document: Any) -> Columns | None:
    """The columns when the body is plainly valid, else None (the request type decides and reports)."""
    if type(document) is not dict or document.keys() != {"shipments"}:
        return None
    rows = document["shipments"]
    if type(rows) is not list or not all(type(row) is dict and row.keys() == SHIPMENT_FIELDS for row in rows):
        return None
    try:
        _ROWS.validate_python(rows)
        given = {name: [row[name] for row in rows] for name in _COLUMNS}
        values = {name: adapter.validate_python(given[name]) for name, adapter in _COLUMNS.items()}
    except ValidationError:
        return None
    # The codes and carriers as given: validated, and plain strings already (the enums' members are not needed).
    return shipment_columns(origin=given["origin"], destination=given["destination"],
                            distance_km=values["distance_km"], weight_kg=values["weight_kg"], mode=given["mode"],
                            carrier=given["carrier"], pickup_at=values["pickup_at"])
