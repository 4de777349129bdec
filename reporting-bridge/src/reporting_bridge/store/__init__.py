"""What reporting-bridge keeps, in its SQL database (SQLite by default, PostgreSQL with REPORTING_DATABASE_URL):
the tables (`tables`, made by the Alembic `migrations/`), the engine and migrating (`database`), the event store's
writer (`events`) and the report rows (`reports`)."""
