"""The beat engine: a pure numpy library from a BeatSpec to a mastered beat."""
