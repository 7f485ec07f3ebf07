"""Plate reader (OCR): a small CNN + CTC head, exported for OpenCV 4.6 dnn.

See docs/model-contracts.md section 3 for the input/output contract.
"""
