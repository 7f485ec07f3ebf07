"""Helpers shared by every training script (data location, honest splits)."""
