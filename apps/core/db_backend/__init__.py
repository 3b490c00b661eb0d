"""PostgreSQL for Koldoo: Django's backend with a patient connect (see base.py)."""
