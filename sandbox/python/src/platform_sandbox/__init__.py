"""The platform as a pytest fixture: see README.md. The fixtures come from `platform_sandbox.plugin`, which pytest
loads by itself wherever this package is installed (entry point `pytest11`)."""

from platform_sandbox.events import EventTimeout, PlatformEvents
from platform_sandbox.faults import fault_proxy
from platform_sandbox.notifications import NotificationFeed, NotificationTimeout
from platform_sandbox.sandbox import Sandbox, SandboxError, start_sandbox, stop_sandbox
from platform_sandbox.users import SandboxUser, SandboxUsers

__all__ = ["EventTimeout", "NotificationFeed", "NotificationTimeout", "PlatformEvents", "Sandbox", "SandboxError",
           "SandboxUser", "SandboxUsers", "fault_proxy", "start_sandbox", "stop_sandbox"]
