"""Bulk writes for the hot paths of a class start, cheaper than the ORM's bulk helpers.

`QuerySet.bulk_update` builds one `CASE WHEN pk = ... THEN ...` expression per field over every
row and compiles it through the ORM: for a wave of 25 avatar starts that compile was most of
the database thread's time (benchmarks, scenario 1: py-spy put `bulk_update` at about a third
of the thread's samples during a class start). `update_rows` sends one prepared
`UPDATE ... WHERE pk = %s` executed for every row instead (`executemany`: one call into the
driver, which SQLite runs in C and psycopg pipelines), with each value prepared by its field
exactly as `save()` would (`get_db_prep_save`: JSON, foreign keys, dates).

Like `bulk_update`, it sends no signals and does not run `pre_save` (no `auto_now`): callers
set every value they write.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write `fields` of each object (all of one model, all saved) to its row. Returns the
    number of objects written; run it inside the caller's transaction."""
    if not objs or not fields:
        return 0
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    for field in columns:
        if not field.concrete or field.many_to_many or field.primary_key:
            raise ValueError(f"{model.__name__}.{field.name} cannot be bulk-updated")
    # Only quoted names from the model's own metadata go into the text; every value is a
    # parameter.
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
    pk_field = meta.pk
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [pk_field.get_db_prep_save(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
