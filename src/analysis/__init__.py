"""Analyse public consultation responses: themes, priorities, stance, goal alignment.

The flow runs one way (see README): ``corpus`` → ``text`` → ``themes`` →
``priorities`` → ``alignment`` → ``plots``. Every stage takes and returns tidy
pandas tables.
"""

__version__ = "0.1.0"
