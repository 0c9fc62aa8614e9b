"""SQLite storage: typed SQLAlchemy models, engine and unit of work, migrations, backups, integrity."""
