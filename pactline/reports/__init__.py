"""Reports: dashboard and analytics read models, exports and charts (server-rendered SVG)."""
