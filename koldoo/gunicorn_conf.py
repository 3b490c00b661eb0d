"""gunicorn settings for Koldoo (`make run` and the documented production setup).

The access log names the path without its query string and no referrer: a search for
a person puts the name in the query (`/people/?q=...`, `/api/v1/people/?search=...`)
and the next page's referrer repeats it. %(U)s is the path alone; %(r)s, %(q)s and
%(f)s (request line, query, referrer) must never be added.

Some paths carry a secret of their own: an invitation link, a password-reset link, an
address-confirmation link. Whoever reads the log could follow them (an unused invitation
to a new address makes an account in the organisation), so `SecretPathLogger` writes
those paths with the secret replaced.
"""

from gunicorn.glogging import Logger

from apps.core.secret_paths import redact_path

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
logger_class = "koldoo.gunicorn_conf.SecretPathLogger"
# Longer than the reverse proxy keeps idle upstream connections (nginx keepalive_timeout
# 60 s, deploy/nginx.conf): otherwise gunicorn (2 s by default) closes a connection nginx
# is about to reuse, and a POST sent on it fails (seen in bench/run_load.sh).
keepalive = 75


class SecretPathLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U", ""))
        return atoms
