"""Spreadsheet import and export, project-plan import, calendar feeds and closure days."""
