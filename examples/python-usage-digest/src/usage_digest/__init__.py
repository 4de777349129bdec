"""usage-digest: each user's inference usage, from the platform's `inference.usage` events."""
