"""Calibrating the performance model on measured training throughput."""
