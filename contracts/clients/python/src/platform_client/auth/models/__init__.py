"""Contains all the data models used in inputs/outputs"""

from .create_user_request import CreateUserRequest
from .field_error import FieldError
from .json_web_key_set import JsonWebKeySet
from .login_request import LoginRequest
from .problem import Problem
from .refresh_request import RefreshRequest
from .role import Role
from .rsa_public_json_web_key import RsaPublicJsonWebKey
from .service_info import ServiceInfo
from .service_info_language import ServiceInfoLanguage
from .token_response import TokenResponse
from .update_user_request import UpdateUserRequest
from .user import User
from .user_page import UserPage

__all__ = (
    "CreateUserRequest",
    "FieldError",
    "JsonWebKeySet",
    "LoginRequest",
    "Problem",
    "RefreshRequest",
    "Role",
    "RsaPublicJsonWebKey",
    "ServiceInfo",
    "ServiceInfoLanguage",
    "TokenResponse",
    "UpdateUserRequest",
    "User",
    "UserPage",
)
