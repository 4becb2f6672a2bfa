"""Offline speech-to-text and tagging, kept free of web and queue code so workers and tools can share it."""
