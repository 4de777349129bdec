"""Contains all the data models used in inputs/outputs"""

from .create_inference_job_files_body import CreateInferenceJobFilesBody
from .create_job_request import CreateJobRequest
from .eta_batch_request import EtaBatchRequest
from .eta_batch_response import EtaBatchResponse
from .eta_prediction import EtaPrediction
from .field_error import FieldError
from .get_inference_job_result_format import GetInferenceJobResultFormat
from .job import Job
from .job_error import JobError
from .job_result import JobResult
from .job_result_predictions_item import JobResultPredictionsItem
from .job_status import JobStatus
from .model_card import ModelCard
from .model_card_data import ModelCardData
from .model_card_features_item import ModelCardFeaturesItem
from .model_card_features_item_type import ModelCardFeaturesItemType
from .model_card_metrics import ModelCardMetrics
from .model_card_metrics_delay import ModelCardMetricsDelay
from .model_card_metrics_delay_reliability_item import (
    ModelCardMetricsDelayReliabilityItem,
)
from .model_card_metrics_transit_hours import ModelCardMetricsTransitHours
from .model_card_targets import ModelCardTargets
from .problem import Problem
from .service_info import ServiceInfo
from .service_info_language import ServiceInfoLanguage
from .shipment import Shipment
from .shipment_mode import ShipmentMode
from .us_state_code import UsStateCode

__all__ = (
    "CreateInferenceJobFilesBody",
    "CreateJobRequest",
    "EtaBatchRequest",
    "EtaBatchResponse",
    "EtaPrediction",
    "FieldError",
    "GetInferenceJobResultFormat",
    "Job",
    "JobError",
    "JobResult",
    "JobResultPredictionsItem",
    "JobStatus",
    "ModelCard",
    "ModelCardData",
    "ModelCardFeaturesItem",
    "ModelCardFeaturesItemType",
    "ModelCardMetrics",
    "ModelCardMetricsDelay",
    "ModelCardMetricsDelayReliabilityItem",
    "ModelCardMetricsTransitHours",
    "ModelCardTargets",
    "Problem",
    "ServiceInfo",
    "ServiceInfoLanguage",
    "Shipment",
    "ShipmentMode",
    "UsStateCode",
)
