"""What inference-bridge keeps: its jobs in Redis (`jobs`), shared by the API, which creates them, and the
worker, which runs them."""
