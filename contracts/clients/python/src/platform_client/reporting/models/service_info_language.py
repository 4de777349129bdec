from enum import StrEnum


class ServiceInfoLanguage(StrEnum):
    JAVA = "java"
    PYTHON = "python"

    def __str__(self) -> str:
        return str(self.value)
