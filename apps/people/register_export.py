"""The organisation's person register as a spreadsheet: the one way to copy it.

A copy of the register is the most dangerous file Koldoo can produce, so it is an
action of its own: organisation admins only, one audit entry (EXPORT, with the
count), cells that a spreadsheet would run as formulas neutralised. The API pages
at most 100 records and is not the way to copy a register.
"""

import csv
import io

from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.models import AuditEntry
from apps.people.models import Person
from apps.people.selectors import people_visible_to
from apps.people.services import PERSON_FIELDS, NotAllowed
from apps.people.validation import neutralise_formula

# The record's number and code, then every field a person has (one list: services).
COLUMNS = ("id", "code", *PERSON_FIELDS)
FORMATS = ("csv", "xlsx")


def _row(person: Person) -> list:
    row = []
    for name in COLUMNS:
        value = getattr(person, name)
        if isinstance(value, list | tuple):
            value = "; ".join(str(v) for v in value)
        elif value is None:
            value = ""
        row.append(neutralise_formula(value))
    return row


def export_register(*, membership, fmt: str, request=None, progress=None) -> tuple[bytes, int]:
    """The member's organisation's people as CSV or XLSX, and their number.

    Only an organisation admin may export; every export is audited with its count.
    Raises NotAllowed for other roles and ValueError for an unknown format.
    `progress(count)`, if given, hears every 500 people (the job queue's progress bar).
    """
    if not membership.can(Permission.MANAGE_ORGANIZATION):
        raise NotAllowed(_("Only an organisation admin may export the register."))
    if fmt not in FORMATS:
        raise ValueError(fmt)
    people = people_visible_to(membership).order_by("id").iterator(chunk_size=2000)
    count = 0
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for person in people:
            writer.writerow(_row(person))
            count += 1
            if progress and count % 500 == 0:
                progress(count)
        data = out.getvalue().encode("utf-8-sig")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("People"))
        sheet.append(list(COLUMNS))
        for person in people:
            sheet.append(_row(person))
            count += 1
            if progress and count % 500 == 0:
                progress(count)
        buf = io.BytesIO()
        book.save(buf)
        data = buf.getvalue()
    audit.record(
        AuditEntry.Action.EXPORT,
        user=membership.user,
        organization=membership.organization,
        target_type="person",
        detail={"register": fmt, "count": count},
        request=request,
    )
    return data, count
