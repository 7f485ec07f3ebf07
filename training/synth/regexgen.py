"""Random strings from the small regex dialect used in plate-formats/*.json.

The format files are the single source of truth for what a plate may read, so the
renderer walks their regex instead of keeping a second copy of the rules. Supported:
anchors ^ $, literals, classes [A-HJ-Z], groups with alternation (a|b), and the
quantifiers {n}, {n,m}, ?. That is all the format files use; anything else raises.
"""
import string

_ALNUM = set(string.ascii_uppercase + string.digits)


class _Parser:
    def __init__(self, pattern):
        self.s = pattern
        self.i = 0

    def parse(self):
        alts = self._alternation()
        if self.i != len(self.s):
            raise ValueError(f"unsupported regex syntax at {self.i} in {self.s!r}")
        return alts

    def _peek(self):
        return self.s[self.i] if self.i < len(self.s) else None

    def _alternation(self):
        branches = [self._sequence()]
        while self._peek() == "|":
            self.i += 1
            branches.append(self._sequence())
        return branches

    def _sequence(self):
        items = []
        while self._peek() not in (None, "|", ")"):
            ch = self._peek()
            if ch in "^$":
                self.i += 1
                continue
            atom = self._atom()
            lo, hi = self._quantifier()
            items.append((atom, lo, hi))
        return items

    def _atom(self):
        ch = self.s[self.i]
        if ch == "(":
            self.i += 1
            branches = self._alternation()
            if self._peek() != ")":
                raise ValueError(f"unclosed group in {self.s!r}")
            self.i += 1
            return ("group", branches)
        if ch == "[":
            end = self.s.index("]", self.i)
            body = self.s[self.i + 1:end]
            self.i = end + 1
            return ("set", _expand_class(body))
        if ch in _ALNUM or ch == "-":
            self.i += 1
            return ("set", ch)
        raise ValueError(f"unsupported regex character {ch!r} in {self.s!r}")

    def _quantifier(self):
        ch = self._peek()
        if ch == "?":
            self.i += 1
            return 0, 1
        if ch == "{":
            end = self.s.index("}", self.i)
            parts = self.s[self.i + 1:end].split(",")
            self.i = end + 1
            lo = int(parts[0])
            hi = int(parts[1]) if len(parts) > 1 else lo
            return lo, hi
        return 1, 1


def _expand_class(body):
    if body.startswith("^"):
        raise ValueError("negated classes are not supported")
    out = []
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            out.extend(chr(c) for c in range(ord(body[k]), ord(body[k + 2]) + 1))
            k += 3
        else:
            out.append(body[k])
            k += 1
    return "".join(out)


class RegexWalker:
    """Draws uniformly random matches of one format regex.

    `parts(rng, pickers)` returns the text of each top-level item, so layouts can
    space a plate by its logical fields (e.g. German district | letters | digits).
    `pickers` maps a top-level item index to a function rng -> str that replaces the
    uniform walk for that item (used for the real Uzbek frequency tables).
    """

    def __init__(self, pattern):
        self.pattern = pattern
        branches = _Parser(pattern).parse()
        # A top-level alternation is one group spanning the whole text.
        self.items = branches[0] if len(branches) == 1 else [(("group", branches), 1, 1)]

    def parts(self, rng, pickers=None):
        out = []
        for index, (atom, lo, hi) in enumerate(self.items):
            if pickers and index in pickers:
                out.append(pickers[index](rng))
                continue
            out.append("".join(_walk(atom, rng) for _ in range(int(rng.integers(lo, hi + 1)))))
        return out

    def sample(self, rng, pickers=None):
        return "".join(self.parts(rng, pickers))


def _walk(atom, rng):
    kind, value = atom
    if kind == "set":
        return value[int(rng.integers(len(value)))]
    branch = value[int(rng.integers(len(value)))]
    return "".join(
        "".join(_walk(a, rng) for _ in range(int(rng.integers(lo, hi + 1))))
        for a, lo, hi in branch)
