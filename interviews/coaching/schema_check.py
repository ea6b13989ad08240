"""A small JSON-schema checker: the subset the coaching schemas use, no third-party dependency.

`schema_errors(value, schema)` validates a value; `strict_schema_problems(schema)` says why a
schema would be refused as OpenAI strict structured output.
"""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Errors of `value` against `schema` (type, enum, properties, required,
    additionalProperties, items). Empty list when valid."""
    errors: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        ok = False
        for kind in kinds:
            if isinstance(value, bool) and kind in ("integer", "number"):
                continue
            if isinstance(value, _TYPES[kind]):
                ok = True
        if not ok:
            return [f"{path}: expected {kinds}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing {key}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors.extend(schema_errors(item, props[key], f"{path}.{key}"))
            elif extra is False:
                errors.append(f"{path}: unexpected {key}")
            elif isinstance(extra, dict):
                errors.extend(schema_errors(item, extra, f"{path}.{key}"))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors.extend(schema_errors(item, schema["items"], f"{path}[{index}]"))
    return errors


def strict_schema_problems(schema: dict[str, Any], path: str = "$") -> list[str]:
    """Why `schema` would be refused as OpenAI strict structured output (empty when fine):
    every object lists all its properties as required and forbids additional ones."""
    problems: list[str] = []
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties")
        if not isinstance(props, dict):
            problems.append(f"{path}: object without properties")
            props = {}
        if schema.get("additionalProperties") is not False:
            problems.append(f"{path}: additionalProperties must be false")
        if sorted(schema.get("required", [])) != sorted(props):
            problems.append(f"{path}: every property must be required")
        for key, sub in props.items():
            problems.extend(strict_schema_problems(sub, f"{path}.{key}"))
    if "items" in schema:
        problems.extend(strict_schema_problems(schema["items"], f"{path}[]"))
    for keyword in ("minLength", "maxLength", "minItems", "maxItems", "format", "default"):
        if keyword in schema:
            problems.append(f"{path}: keyword {keyword} not supported in strict mode")
    return problems
