"""The question bank: YAML files -> typed, validated objects. No database, no torch."""
