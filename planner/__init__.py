"""Rig Planner: plan a deep-learning workstation part by part."""

__version__ = "0.1.0"
APP_NAME = "Rig Planner"
APP_ID = "io.github.rigplanner.RigPlanner"
