"""What reporting-bridge knows: the report types and their parameters (`catalogue`), computing a report from the
event store (`compute`), rendering it as CSV, XLSX, JSON or PNG (`render`), and taking in platform.events
(`ingest`)."""
