from enum import StrEnum


class ReportParameterType(StrEnum):
    DATE = "date"
    STRING = "string"

    def __str__(self) -> str:
        return str(self.value)
