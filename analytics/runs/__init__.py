"""Analysis runs: what was asked (filters, settings), on which rows (fingerprint), with which code, and what came
out. ``options`` and ``fingerprint`` are plain Python; ``models``, ``services`` and ``selectors`` are Django."""
