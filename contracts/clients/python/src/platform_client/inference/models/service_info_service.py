from enum import StrEnum


class ServiceInfoService(StrEnum):
    AUTH_SERVICE = "auth-service"
    GATEWAY = "gateway"
    INFERENCE_BRIDGE = "inference-bridge"
    NOTIFICATION_SERVICE = "notification-service"
    REPORTING_BRIDGE = "reporting-bridge"

    def __str__(self) -> str:
        return str(self.value)
