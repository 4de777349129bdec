from enum import StrEnum


class ReportParameterName(StrEnum):
    FROM = "from"
    GRANULARITY = "granularity"
    GROUP_BY = "group_by"
    TO = "to"

    def __str__(self) -> str:
        return str(self.value)
