"""The job worker: a process of its own (`python -m inference_bridge.worker`, INFERENCE_WORKER_PORT, default
8011) that consumes `inference.jobs` in group `inference-worker` through the kit's backbone (`app`) and runs
each job (`handlers`); it serves only /health and /metrics."""
