"""Aggregates history into plain data; renderers turn it into terminal, JSON and HTML."""
