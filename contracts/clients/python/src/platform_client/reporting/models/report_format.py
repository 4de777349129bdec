from enum import StrEnum


class ReportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    PNG = "png"
    XLSX = "xlsx"

    def __str__(self) -> str:
        return str(self.value)
