from enum import StrEnum


class ReportStatus(StrEnum):
    FAILED = "failed"
    QUEUED = "queued"
    READY = "ready"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
