"""Test support for the platform's Python services, installed only as a dev dependency (never beside a
service in production): the pytest plugin (`plugin`: real Redis fixtures, services started as processes),
`PrivateRedis`, waiting with a deadline, the checks every service passes (`checks`), signed access tokens
(`tokens`) and events as a consumer hands them to a handler (`events`)."""
