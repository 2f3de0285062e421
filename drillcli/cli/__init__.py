"""The Typer layer: parse, call one function, render. Nothing here does the work."""
