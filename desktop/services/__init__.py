"""Use cases. Each opens one unit of work, applies domain rules, writes through storage and
returns frozen dataclasses (DTOs): never live ORM objects. The UI and the CLI both call these."""
