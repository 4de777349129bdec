"""reporting-bridge: the platform's Python service for data reporting (async report jobs, downloads).

Served under /api/reports; everything it shares with the other Python services comes from service_kit.
"""
