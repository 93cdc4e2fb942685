"""Every write to case data goes through a service here: one transaction, one permission check, the entry
rules, the version check against concurrent edits, and an audit row with who, when and what."""
