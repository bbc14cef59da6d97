"""The union hierarchy, schools and communes: data an admin edits, never code."""
