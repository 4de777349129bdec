"""Contains all the data models used in inputs/outputs"""

from .field_error import FieldError
from .problem import Problem
from .prometheus_query_data import PrometheusQueryData
from .prometheus_query_data_result_type import PrometheusQueryDataResultType
from .prometheus_query_response import PrometheusQueryResponse
from .prometheus_series import PrometheusSeries
from .prometheus_series_metric import PrometheusSeriesMetric

__all__ = (
    "FieldError",
    "Problem",
    "PrometheusQueryData",
    "PrometheusQueryDataResultType",
    "PrometheusQueryResponse",
    "PrometheusSeries",
    "PrometheusSeriesMetric",
)
