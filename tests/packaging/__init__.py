"""Packaging tests: the wheel and the PyInstaller bundle, built and run like a user would."""
