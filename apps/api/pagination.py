"""Pages of API lists: at most 100 records a request, and a clear 400 for anything else.

The API is for working with records, not for copying a register: a larger `limit` is
refused rather than silently cut, so that a client never believes it has everything.
The register's export (people register, organisation admin) is its own audited action.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

# Beyond this the database cannot take the number (64-bit signed).
_LARGEST = 2**63 - 1


class CappedLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 100

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        limit = _whole_number(self.limit_query_param, raw)
        if limit < 1:
            raise ValidationError({self.limit_query_param: [_("Give a limit of 1 or more.")]})
        if limit > self.max_limit:
            raise ValidationError(
                {
                    self.limit_query_param: [
                        _(
                            "At most %(max)d records a page; use offset to read further. "
                            "To copy a whole register, use its export."
                        )
                        % {"max": self.max_limit}
                    ]
                }
            )
        return limit

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return _whole_number(self.offset_query_param, raw)


def _whole_number(name: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > _LARGEST:
        raise ValidationError({name: [_("Give a whole number from 0 to 2^63-1.")]})
    return int(raw)
