from enum import StrEnum


class ModelCardFeaturesItemType(StrEnum):
    CATEGORICAL = "categorical"
    INTEGER = "integer"
    NUMBER = "number"

    def __str__(self) -> str:
        return str(self.value)
