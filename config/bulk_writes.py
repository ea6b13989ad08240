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


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[object]]
) -> int:
    """Insert rows whose ids nobody needs back (event rows): one prepared INSERT executed for
    every row (`bulk_create` compiles every value of every row through the ORM's insert
    compiler). `fields` must name every column but an automatic primary key, so no default
    is silently left out; values are prepared by their fields as `save()` would."""
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    expected = {f.attname for f in meta.concrete_fields if not (f.primary_key and f.auto_created)}
    given = {f.attname for f in columns}
    if given != expected:
        missing, extra = sorted(expected - given), sorted(given - expected)
        raise ValueError(f"{model.__name__}: columns missing {missing}, not columns {extra}")
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    params = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(columns, row, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
