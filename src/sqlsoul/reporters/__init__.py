"""Reporters are pure functions of a lint result: they read no config and print nothing themselves."""
