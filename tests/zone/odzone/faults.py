"""Fault injection and redirect rules (set through the control API).

A rule matches requests by service ("zone", a provider id, "mismatch" or
"any"), method (or any), a regex searched in the request path (without
the query) and optionally a regex searched in the query string. `times` limits how many requests it affects before it expires
(null: forever); `rate` is the probability that a matching request is
affected. Several fault rules may affect one request: their effects merge,
later rules winning on conflicts.
"""

import http
import json
import random
import re
import threading

from . import errors
from .server import Response

FAULT_EFFECTS = ("latency_ms", "status", "body", "retry_after",
                 "reset_after_bytes", "truncate_json", "wrong_types",
                 "slow_body_bps", "reset_after_request_bytes",
                 "slow_request_bps")
BODY_KINDS = ("error", "none", "html", "garbage")


class Rule:
    def __init__(self, rule_id, spec, effects):
        self.id = rule_id
        self.spec = spec
        self.service = spec.get("service") or "any"
        self.method = (spec.get("method") or "").upper() or None
        self.path = re.compile(spec.get("path") or "")
        self.query = re.compile(spec.get("query") or "")
        self.times = spec.get("times")
        self.rate = spec.get("rate", 1)
        self.effects = effects

    def matches(self, service, method, path, query=""):
        return (self.service in ("any", service)
                and self.method in (None, method)
                and self.path.search(path) is not None
                and self.query.search(query) is not None)


class Rules:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._next_id = 1

    def add(self, spec, effects):
        if not isinstance(spec, dict):
            raise ValueError("a JSON object is required")
        times = spec.get("times")
        rate = spec.get("rate", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError('"times" must be a positive integer or null')
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError('"rate" must be a number in 0..1')
        for key in ("path", "query"):
            try:
                re.compile(spec.get(key) or "")
            except re.error as exc:
                raise ValueError('bad "%s" regex: %s' % (key, exc))
        with self._lock:
            rule = Rule(self._next_id, spec, effects)
            self._next_id += 1
            self._rules.append(rule)
            return rule.id

    def remove(self, rule_id):
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self):
        with self._lock:
            self._rules = []

    def listing(self):
        with self._lock:
            return [dict(r.spec, id=r.id, times=r.times) for r in self._rules]

    def fire(self, service, method, path, query=""):
        """Rules affecting this request, counting them as used."""
        fired = []
        with self._lock:
            for rule in self._rules:
                if not rule.matches(service, method, path, query):
                    continue
                if rule.rate < 1 and random.random() >= rule.rate:
                    continue
                fired.append(rule)
                if rule.times is not None:
                    rule.times -= 1
            self._rules = [r for r in self._rules if r.times is None or r.times > 0]
        return fired


def fault_effects(spec):
    """Validated effects of a POST /faults body."""
    effects = {k: spec[k] for k in FAULT_EFFECTS if spec.get(k) is not None}
    if not effects:
        raise ValueError("no effect given (one of %s)" % ", ".join(FAULT_EFFECTS))
    for key in ("latency_ms", "reset_after_bytes", "slow_body_bps",
                "reset_after_request_bytes", "slow_request_bps"):
        if key in effects and (not isinstance(effects[key], (int, float))
                               or effects[key] < 0):
            raise ValueError('"%s" must be a non-negative number' % key)
    if "status" in effects and (not isinstance(effects["status"], int)
                                or not 100 <= effects["status"] <= 599):
        raise ValueError('"status" must be an HTTP status code')
    if effects.get("body", "error") not in BODY_KINDS:
        raise ValueError('"body" must be one of %s' % ", ".join(BODY_KINDS))
    return effects


def redirect_effects(spec):
    if not isinstance(spec.get("to"), str) or not spec["to"]:
        raise ValueError('"to" is required')
    status = spec.get("status", 307)
    if status not in (301, 302, 303, 307, 308):
        raise ValueError('"status" must be a redirect status')
    return {"to": spec["to"], "status": status}


def merge(rules):
    effects = {}
    for rule in rules:
        effects.update(rule.effects)
    return effects


# -- building faulty responses ---------------------------------------------------

def status_response(status, body_kind):
    """The response that replaces the real one for a `status` fault."""
    if body_kind == "none":
        return Response(status)
    if body_kind == "html":
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        page = ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n"
                "<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n"
                "</body>\r\n</html>\r\n" % (status, reason, status, reason))
        return Response(status, page.encode(), "text/html")
    if body_kind == "garbage":
        return Response(status, b'\x00\xff<<garbage>> {"error": \xfe\xfd not json',
                        "application/json")
    err = errors.for_status(status)
    return Response(status, err.body(), "application/json")


def wrong_types(value):
    """Every scalar replaced by one of another JSON type, structure kept:
    strings become numbers, numbers strings, booleans "yes", null []."""
    if isinstance(value, dict):
        return {k: wrong_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wrong_types(v) for v in value]
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return 123
    return []


def apply_body_effects(response, effects):
    """wrong_types / truncate_json on a JSON response (others pass)."""
    if not response.is_json or not response.body:
        return response
    body = response.body
    if effects.get("wrong_types"):
        body = json.dumps(wrong_types(json.loads(body))).encode()
    if effects.get("truncate_json"):
        body = body[:max(1, len(body) // 2)]
    if body is not response.body:
        response = Response(response.status, body, headers=response.headers)
    return response
