"""Date and time formats per interface language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own locale formats is set here; the rest (month names,
number separators) falls back to django/conf/locale/<lang>/formats.py.

- Kyrgyz and Russian: 05.12.2026 and 14:30, as on documents in Kyrgyzstan.
- English: ISO 8601 (2026-12-05, 14:30): international staff read it without guessing
  whether 05/12 is May or December.

Every language accepts what people type in its convention and ISO always (browsers,
API clients and tests send ISO). Two-digit years are not accepted: "01.02.03" could
be a birth year of 1903 or 2003.
"""
