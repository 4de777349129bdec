from enum import StrEnum


class GroupBy(StrEnum):
    EVENT_TYPE = "event_type"
    LANE = "lane"
    NONE = "none"
    ROLE = "role"

    def __str__(self) -> str:
        return str(self.value)
