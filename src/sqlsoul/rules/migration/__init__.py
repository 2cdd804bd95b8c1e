"""Rules that judge a migration as a whole: its down, what it destroys."""
