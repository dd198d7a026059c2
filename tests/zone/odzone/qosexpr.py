"""QoS expressions, as op-worker 21.02 reads and evaluates them.

op-worker scans an expression with a leex scanner and parses it with a
yecc (LALR-1) grammar; this module follows both, so the same strings are
accepted and the same error reasons come back (invalidQosExpression
{reason}):

    tokens   operator  | & \\           eq  =        comparator  < <= >= >
             anyStorage                  number  123, 1.5, 2e3 (no sign)
             string  letters, digits, _ and U+00A0..U+1FFF, with spaces
                     and hyphens allowed inside ("Data Centre", "eu-west")
             ( )      whitespace and % comments are skipped, " is ignored
    grammar  expression -> string comparator number
                         | string = (string | number)
                         | anyStorage
                         | expression operator expression   (left to right,
                           one precedence for all three operators)
                         | ( expression )

A character no token can start with is 'illegal characters "<c>"' (the
scanner's message); a token that cannot continue the expression is
"syntax error before: <token>" (the parser's), with an empty token at the
end of the input. The parsed tree is what GET /qos_requirements/{qid}
shows back in infix form (to_infix) and evaluate_qos_expression as
expressionRpn (to_rpn).
"""

import json
import re

ANY_STORAGE = "anyStorage"
OPERATORS = ("|", "&", "\\")
COMPARATORS = ("<", "<=", ">=", ">")

_CHAR = "[\u00a0-\u1fffa-zA-Z0-9_]"
# Rule order matters on equal lengths (leex takes the first rule).
_RULES = (
    ("operator", re.compile(r"[|&\\]")),
    ("eq", re.compile(r"=")),
    ("comparator", re.compile(r"<=|>=|<|>")),
    ("any_storage", re.compile(re.escape(ANY_STORAGE))),
    ("number", re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[Ee][+\-]?[0-9]+)?")),
    ("string", re.compile("%s(?:%s|[ \\-])*%s|%s" % (_CHAR, _CHAR, _CHAR, _CHAR))),
    ("paren", re.compile(r"[()]")),
    ("skip", re.compile(r"(?:[\x00- ]|%[^\n]*)+")),
    ("skip", re.compile(r'"')),
)


class InvalidExpression(ValueError):
    """The reason op-worker gives in invalidQosExpression's details."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _erl_string(text):
    """io_lib:write_string: a double-quoted string, escapes for quotes,
    backslashes and control characters."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 32 or code == 127:
            out.append("\\%03o" % code)
        else:
            out.append(char)
    return '"%s"' % "".join(out)


def _erl_float(value):
    """Erlang's shortest float text (~p): the shorter of the plain and the
    scientific form, the plain one on a tie (1000.0 -> 1.0e3)."""
    mantissa, _, exponent = repr(float(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    if not digits:
        return "0.0"
    sci = "%s.%se%d" % (digits[0], digits[1:] or "0", point - 1)
    if point <= 0:
        plain = "0." + "0" * -point + digits
    elif point >= len(digits):
        plain = digits + "0" * (point - len(digits)) + ".0"
    else:
        plain = digits[:point] + "." + digits[point:]
    return sci if len(sci) < len(plain) else plain


def _number_text(value):
    return _erl_float(value) if isinstance(value, float) else str(value)


def _token_text(token):
    """How yecc names a token in "syntax error before: ..."."""
    kind, value = token
    if kind == "$end":
        return ""
    if kind == "paren":
        return "'%s'" % value
    if kind == "number":
        return _number_text(value)
    return _erl_string(value)


def scan(text):
    """[(kind, value)]; InvalidExpression for a character no token starts with."""
    tokens, at = [], 0
    while at < len(text):
        best = None
        for kind, rule in _RULES:
            found = rule.match(text, at)
            if found and found.end() > at and (best is None or found.end() > best[1]):
                best = (kind, found.end())
        if best is None:
            raise InvalidExpression("illegal characters %s" % _erl_string(text[at]))
        kind, end = best
        chars = text[at:end]
        if kind == "number":
            tokens.append((kind, json.loads(chars) if re.fullmatch(r"[0-9]+", chars)
                           else float(chars)))
        elif kind != "skip":
            tokens.append((kind, chars))
        at = end
    return tokens


def parse(text):
    """The expression tree: "anyStorage", (comparator or "=", key, value)
    or (operator, left, right); InvalidExpression otherwise."""
    tokens = scan(text) + [("$end", None)]
    position = [0]

    def fail():
        raise InvalidExpression("syntax error before: " +
                                _token_text(tokens[position[0]]))

    def take():
        token = tokens[position[0]]
        position[0] += 1
        return token

    def peek():
        return tokens[position[0]]

    def atom():
        kind, value = peek()
        if kind == "paren" and value == "(":
            take()
            inner = expression()
            if peek() != ("paren", ")"):
                fail()
            take()
            return inner
        if kind == "any_storage":
            take()
            return ANY_STORAGE
        if kind != "string":
            fail()
        take()
        kind, op = peek()
        if kind == "eq":
            take()
            if peek()[0] not in ("string", "number"):
                fail()
            return (op, value, take()[1])
        if kind == "comparator":
            take()
            if peek()[0] != "number":
                fail()
            return (op, value, take()[1])
        fail()

    def expression():
        tree = atom()
        while peek()[0] == "operator":
            op = take()[1]
            tree = (op, tree, atom())
        return tree

    tree = expression()
    if peek()[0] != "$end":
        fail()
    return tree


def _leaf(value):
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def to_infix(tree):
    """The tree as op-worker writes it back: no spaces, a compound
    expression in parentheses (two bare anyStorage operands are not)."""
    if tree == ANY_STORAGE:
        return ANY_STORAGE
    op, left, right = tree
    if isinstance(left, str) and isinstance(right, str):
        return left + op + right
    if isinstance(left, str) and _leaf(right):
        return left + op + json.dumps(right)
    return "(" + to_infix(left) + op + to_infix(right) + ")"


def to_rpn(tree):
    if tree == ANY_STORAGE:
        return [ANY_STORAGE]
    op, left, right = tree
    if isinstance(left, str) and _leaf(right):
        return [left, right, op]
    return to_rpn(left) + to_rpn(right) + [op]


def _compare(op, have, want):
    number = isinstance(have, (int, float)) and not isinstance(have, bool)
    if op == "=":
        if number != (isinstance(want, (int, float)) and not isinstance(want, bool)):
            return False
        return have == want
    if not number:
        return False
    return {"<": have < want, ">": have > want,
            "<=": have <= want, ">=": have >= want}[op]


def matching(tree, storages):
    """The keys of `storages` ({key: QoS parameters}) the expression selects."""
    if tree == ANY_STORAGE:
        return set(storages)
    op, left, right = tree
    if op in OPERATORS:
        a, b = matching(left, storages), matching(right, storages)
        return a | b if op == "|" else a & b if op == "&" else a - b
    return {key for key, params in storages.items()
            if left in params and _compare(op, params[left], right)}
