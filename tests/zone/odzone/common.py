"""Request helpers shared by the Onezone and Oneprovider applications."""

import json

from . import errors

VERSION = "21.02.7"
BUILD = "onetui-test-zone"
COMPATIBLE_VERSIONS = ["21.02.5", "21.02.6", "21.02.7"]


def bearer_token(request):
    """The access token a request carries, or None.

    `X-Auth-Token: T` wins over `Authorization: Bearer T`, like in Onedata.
    Surrounding whitespace is not part of a token."""
    token = request.header("X-Auth-Token")
    if token is None:
        auth = request.header("Authorization") or ""
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = value
    return token.strip()


def json_body(request):
    """The JSON object in the request body ({} when there is none).

    A body needs `Content-Type: application/json` (415 without a body
    otherwise, as cowboy answers); bad JSON is malformedData."""
    if not request.body:
        return {}
    ctype = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise errors.BareStatus(415)
    try:
        value = json.loads(request.body)
    except ValueError:
        raise errors.malformed_data()
    if not isinstance(value, dict):
        raise errors.malformed_data()
    return value


def options(request, list_keys=()):
    """Operation options: the JSON body merged with the query string.

    Query parameters win; a repeated query key is a list, and so is any key
    in `list_keys` even when given once (e.g. ?attributes=name)."""
    merged = json_body(request)
    for key, values in request.params.items():
        if key in list_keys or len(values) > 1:
            merged[key] = values
        else:
            merged[key] = values[0]
    return merged


def int_option(opts, key, default, low, high):
    value = opts.get(key, default)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise errors.bad_value_integer(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.bad_value_integer(key)
    if not low <= value <= high:
        raise errors.bad_value_not_in_range(key, low, high)
    return value


def bool_option(opts, key, default):
    value = opts.get(key, default)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise errors.bad_value_boolean(key)
    return value


def token_field(body, key):
    """A serialized token from a JSON body field (public token endpoints)."""
    if key not in body:
        raise errors.missing_required_value(key)
    value = body[key]
    if not isinstance(value, str):
        raise errors.bad_value_token(key, errors.bad_token())
    return value.strip()


# Name characters allowed anywhere, and only inside (oz-worker's rule).
_NAME_EDGE = set("_()[]{}")
_NAME_INSIDE = _NAME_EDGE | set("-. ")


def valid_name(name):
    """Onedata's name rule: 2-50 characters, letters, digits, brackets
    and underscores, dashes, spaces and dots inside only."""
    if not 2 <= len(name) <= 50:
        return False
    inside_ok = all(c.isalnum() or c in _NAME_INSIDE for c in name[1:-1])
    return inside_ok and all(c.isalnum() or c in _NAME_EDGE for c in (name[0], name[-1]))
