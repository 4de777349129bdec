from enum import StrEnum


class PrometheusQueryDataResultType(StrEnum):
    MATRIX = "matrix"
    SCALAR = "scalar"
    STRING = "string"
    VECTOR = "vector"

    def __str__(self) -> str:
        return str(self.value)
