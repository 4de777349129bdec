"""Contains all the data models used in inputs/outputs"""

from .create_report_request import CreateReportRequest
from .field_error import FieldError
from .granularity import Granularity
from .group_by import GroupBy
from .problem import Problem
from .report import Report
from .report_data import ReportData
from .report_data_rows_item import ReportDataRowsItem
from .report_data_summary import ReportDataSummary
from .report_error import ReportError
from .report_format import ReportFormat
from .report_page import ReportPage
from .report_parameter import ReportParameter
from .report_parameter_name import ReportParameterName
from .report_parameter_type import ReportParameterType
from .report_parameters import ReportParameters
from .report_parameters_granularity import ReportParametersGranularity
from .report_parameters_group_by import ReportParametersGroupBy
from .report_params import ReportParams
from .report_status import ReportStatus
from .report_summary import ReportSummary
from .report_type import ReportType
from .report_type_id import ReportTypeId
from .report_type_list import ReportTypeList
from .report_type_scope import ReportTypeScope
from .service_info import ServiceInfo
from .service_info_language import ServiceInfoLanguage

__all__ = (
    "CreateReportRequest",
    "FieldError",
    "Granularity",
    "GroupBy",
    "Problem",
    "Report",
    "ReportData",
    "ReportDataRowsItem",
    "ReportDataSummary",
    "ReportError",
    "ReportFormat",
    "ReportPage",
    "ReportParameter",
    "ReportParameterName",
    "ReportParameterType",
    "ReportParameters",
    "ReportParametersGranularity",
    "ReportParametersGroupBy",
    "ReportParams",
    "ReportStatus",
    "ReportSummary",
    "ReportType",
    "ReportTypeId",
    "ReportTypeList",
    "ReportTypeScope",
    "ServiceInfo",
    "ServiceInfoLanguage",
)
