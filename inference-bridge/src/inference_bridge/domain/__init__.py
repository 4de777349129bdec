"""What inference-bridge knows: the ETA and delay-risk model (`model`: dataset, features, training, the
artifact), predicting many shipments at once (`predictions`), and what it measures of both (`metrics`)."""
