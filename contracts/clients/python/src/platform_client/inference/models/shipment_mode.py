from enum import StrEnum


class ShipmentMode(StrEnum):
    FTL = "ftl"
    INTERMODAL = "intermodal"
    LTL = "ltl"

    def __str__(self) -> str:
        return str(self.value)
