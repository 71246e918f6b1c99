"""Reminders: pure date rules (rules.py), loading who and what (targets.py), the next reminder
time (schedule.py) and the sweep that claims due rows and sends (sweep.py)."""
