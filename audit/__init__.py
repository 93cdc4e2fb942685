"""The registry's access log and the protection of every audit row (history tables, access events) against change."""
