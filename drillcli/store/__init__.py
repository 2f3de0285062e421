"""SQLite: the connection, the named migrations and every SQL statement. Returns dataclasses."""
