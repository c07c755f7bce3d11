"""The desktop app: windows, panels, Qt models and charts. Rules live in planner.core."""
