"""Custom fields: per-organisation field definitions for contracts, milestones and parties.

Values live in the `custom_fields` JSON column of Contract, Milestone and Party and are
validated against the definitions in `services.clean_values` on every write path.
"""
