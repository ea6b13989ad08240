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


def _db_value(field: models.Field, value: object, connection: object) -> object:
    """A value as `save()` would send it; None goes as NULL without its field's preparation
    (every built-in field prepares None as None; a custom field that maps None to something
    else must not come through here)."""
    return None if value is None else field.get_db_prep_save(value, connection)


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
        [_db_value(field, getattr(obj, field.attname), connection) for field in columns]
        + [_db_value(pk_field, obj.pk, connection)]
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
        [_db_value(field, value, connection) for field, value in zip(columns, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def insert_objects(objs: Sequence[models.Model]) -> list[models.Model]:
    """`bulk_create(objs)` for plain new rows, cheaper: the values go straight from each field's
    `pre_save` and `get_db_prep_save` into multi-row `INSERT ... RETURNING pk` statements
    (25 avatar sessions: ~6 ms through `bulk_create` on these machines, most of it the insert
    compiler). The objects get their pks, as with `bulk_create`. Falls back to `bulk_create`
    where the backend cannot return rows from a bulk insert or a value is an expression."""
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    manager = model._default_manager
    if not connection.features.can_return_rows_from_bulk_insert:
        return manager.bulk_create(objs)
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.auto_created)]
    rows = []
    for obj in objs:
        values = [field.pre_save(obj, True) for field in fields]
        if any(hasattr(value, "resolve_expression") for value in values):
            return manager.bulk_create(objs)
        rows.append([_db_value(f, v, connection) for f, v in zip(fields, values, strict=True)])
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "  # noqa: S608
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    ids: list[object] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = head + ", ".join([row_marks] * len(batch)) + f" RETURNING {quote(meta.pk.column)}"
            cursor.execute(sql, [value for row in batch for value in row])
            ids.extend(row[0] for row in cursor.fetchall())
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
    return list(objs)
