"""The order rules in plain Python: no I/O, no database. Services ask these modules what may happen."""
