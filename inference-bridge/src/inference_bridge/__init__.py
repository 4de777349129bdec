"""inference-bridge: the platform's Python service for ML inference (ETA predictions, batch jobs).

Served under /api/inference; everything it shares with the other Python services comes from service_kit.
"""
