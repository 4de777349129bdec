from enum import StrEnum


class ReportTypeId(StrEnum):
    INFERENCE_USAGE = "inference-usage"
    PLATFORM_ACTIVITY = "platform-activity"
    USER_SIGNUPS = "user-signups"

    def __str__(self) -> str:
        return str(self.value)
