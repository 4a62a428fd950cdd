"""Which schema revisions exist, oldest first, and which is current.

Kept apart from migrate.py (which needs SQLAlchemy and Alembic) so a quick read-only open
can check a study's revision without loading either. A test checks this list against
the migration scripts.
"""

REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
)
HEAD = REVISIONS[-1]
