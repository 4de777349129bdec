"""Contains all the data models used in inputs/outputs"""

from .broadcast import Broadcast
from .broadcast_request import BroadcastRequest
from .field_error import FieldError
from .notification import Notification
from .notification_data import NotificationData
from .notification_page import NotificationPage
from .problem import Problem
from .service_info import ServiceInfo
from .service_info_language import ServiceInfoLanguage
from .severity import Severity
from .stream_notifications_response_200 import StreamNotificationsResponse200
from .web_socket_ticket import WebSocketTicket

__all__ = (
    "Broadcast",
    "BroadcastRequest",
    "FieldError",
    "Notification",
    "NotificationData",
    "NotificationPage",
    "Problem",
    "ServiceInfo",
    "ServiceInfoLanguage",
    "Severity",
    "StreamNotificationsResponse200",
    "WebSocketTicket",
)
