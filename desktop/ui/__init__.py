"""Qt Widgets front end. Widgets call services and show DTOs; they never hold a Session.

Modules here must not import desktop.services (or anything that imports SQLAlchemy) at module
level except under TYPE_CHECKING: the window paints before the database layer is imported."""
