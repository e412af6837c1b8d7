"""odiac's built-in secret backends."""
