"""Statistics core: takes tables (pandas DataFrames, numpy arrays), returns result objects. Never imports Django."""
