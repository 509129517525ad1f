"""JSON Schema checks of the YAML files staff edit by hand (editions, the indicator catalogue,
source records and their import specs), with the problems in the staff guide's words.

A rule carries its own Norwegian text: ``message`` for a value that breaks it, ``missing`` for
a required key that is absent (on the key's rule, or a template on the object's), ``unknown``
for a key that is not allowed (a template on the object). Templates may use ``{key}`` (the key
concerned), ``{value!r}`` (the value found) and ``{known}`` (the allowed keys). What a schema
cannot say (a value that must match another file, or two values in order) stays in code."""

import math

import jsonschema


def _finite(validator, finite, instance, schema):
    """``finite: true``: a number that is not infinite or NaN (YAML reads 1e999 as infinity)."""
    if finite and validator.is_type(instance, "number") and not math.isfinite(instance):
        yield jsonschema.ValidationError(f"{instance!r} is not finite")


Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"finite": _finite})


def _rules(schema, err):
    """The rules from the root down to the one ``err`` broke (the deepest last)."""
    rules, rule = [schema], schema
    for step in list(err.absolute_schema_path)[:-1]:
        rule = rule[step]
        if isinstance(rule, dict) and step != "properties":  # not the map of names to rules
            rules.append(rule)
    return rules


def _found(err, rules):
    """[(key or None, message, value or None)] for one broken rule."""
    obj = rules[-1]
    if err.validator == "required":  # one error per missing key, but which is not structured
        own = obj.get("properties", {})
        return [(k, own.get(k, {}).get("missing") or obj["missing"].format(key=k), None)
                for k in err.validator_value if k not in err.instance]
    if err.validator == "additionalProperties":
        keys = ", ".join(sorted(set(err.instance) - set(obj["properties"])))
        return [(None, obj["unknown"].format(key=keys, known=", ".join(obj["properties"])), None)]
    key = err.absolute_path[-1] if err.absolute_path else None
    rule = next(r for r in reversed(rules) if "message" in r)
    return [(key, rule["message"].format(key=key, value=err.instance), err.instance)]


def _order(path):
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path]


def check(schema, instance):
    """[(path of keys, message, value found)] for every rule ``instance`` breaks, in document
    order. A missing key's path ends with that key; an unknown key's is the object's."""
    found = {}
    for err in Validator(schema, format_checker=Validator.FORMAT_CHECKER).iter_errors(instance):
        for key, text, value in _found(err, _rules(schema, err)):
            path = tuple(err.absolute_path) + ((key,) if err.validator == "required" else ())
            found.setdefault((path, text), value)
    return [(path, text, found[path, text]) for path, text in sorted(found, key=lambda f: _order(f[0]))]
