from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.service_info_language import ServiceInfoLanguage

T = TypeVar("T", bound="ServiceInfo")


@_attrs_define
class ServiceInfo:
    """What a service is and which instance answered. The same shape in every service, Java or Python (GET <api
    prefix>/service-info).

        Attributes:
            service (str): Service name, as in compose.yaml and the launcher (spring.application.name in Java). A name, not
                an enum: a team's own service built on a kit answers the same shape.
            version (str): Version of the service's build.
            language (ServiceInfoLanguage):
            runtime (str): Language runtime and its version.
            framework (str): Web framework and its version.
            instance_id (str): INSTANCE_ID, by default <hostname>-<pid>; tells replicas apart.
            started_at (datetime.datetime): When this instance started (RFC 3339, UTC).
    """

    service: str
    version: str
    language: ServiceInfoLanguage
    runtime: str
    framework: str
    instance_id: str
    started_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        version = self.version

        language = self.language.value

        runtime = self.runtime

        framework = self.framework

        instance_id = self.instance_id

        started_at = self.started_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "service": service,
                "version": version,
                "language": language,
                "runtime": runtime,
                "framework": framework,
                "instance_id": instance_id,
                "started_at": started_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        service = d.pop("service")

        version = d.pop("version")

        language = ServiceInfoLanguage(d.pop("language"))

        runtime = d.pop("runtime")

        framework = d.pop("framework")

        instance_id = d.pop("instance_id")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        service_info = cls(
            service=service,
            version=version,
            language=language,
            runtime=runtime,
            framework=framework,
            instance_id=instance_id,
            started_at=started_at,
        )

        return service_info
