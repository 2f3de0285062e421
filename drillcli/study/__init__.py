"""Flashcard scheduling (FSRS) and the session state machine. Pure: `now` is always passed in."""
