"""Service functions: lock, decide in the domain, record history and outbox, commit.

Each public function takes a `UnitOfWork` and an `Actor`; functions documented as "inside the
caller's unit of work" never commit, so a caller can combine several steps in one transaction.
"""
