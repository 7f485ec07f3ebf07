"""Synthetic number plates: text from plate-formats/*.json, faithful layouts, camera degradation.

Public API: plates.PlateSampler (sample a rendered plate) and augment.degrade.
"""
