"""What the national report needs from linkage (contract: apps.statistics.sources).

No tables of its own: the persons that `manage.py link_network` put in one network
cluster are one person for the report, counted once across organisations
(`PERSON_IDENTITY`). The statistics app never imports this app; it finds this module
the way it finds every app's report tables.

The rule, written down in docs/statistics/counting-rules.md:

- a person's identity is her network cluster when the cluster holds at least one other
  person (of any organisation), else she is her own identity;
- a person her organisation decided is "not the same person" as a person of lower id in
  the same cluster keeps her own identity: linkage never undoes a reviewer's decision;
- merged records need nothing here: a merge moves the cases to the survivor, and
  `link_network` leaves merged records out.
"""

from django.db.models import Count, Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from apps.linkage.models import DuplicatePair, NetworkCluster
from apps.statistics.sources import PersonIdentity

TABLES: list = []


def identity_sql() -> tuple[str, list]:
    """SQL of (person_id, identity) for every person linked to at least one other."""
    shared = (
        NetworkCluster.objects.order_by()
        .values("cluster")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("cluster")
    )
    told_apart = DuplicatePair.objects.filter(
        person_r_id=OuterRef("person_id"),
        status=DuplicatePair.Status.NOT_SAME.value,
        person_l__network_cluster__cluster=OuterRef("cluster"),
    )
    query = (
        NetworkCluster.objects.order_by()
        .filter(cluster__in=shared)
        .exclude(Exists(told_apart))
        .values(linked_person=F("person_id"), identity=F("cluster"))
    )
    sql, params = query.query.sql_with_params()
    # Name the columns as the contract says (the ORM will not alias a field by its name);
    # the ORM's SQL with its values as parameters.
    statement = f"SELECT linked_person AS person_id, identity FROM ({sql}) linked"  # noqa: S608
    return statement, list(params)


PERSON_IDENTITY = PersonIdentity(
    sql=identity_sql,
    kind="person_cluster",
    notes=(
        _(
            "A person helped by several organisations counts once in a report over them: "
            "records are linked across organisations by keyed encodings of names, birth "
            "dates, documents and phones (no identity leaves an organisation), and linked "
            "records count as one person. Where the records disagree on sex, birth year, "
            "citizenship or region, that value counts as not recorded."
        ),
    ),
)
