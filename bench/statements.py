#!/usr/bin/env python3
"""Turns the PostgreSQL log of one invoice submission into a pgbench script that replays it.

Why: bench/invoices.sh measures how many invoices/s Patron takes; on its own that figure says
nothing about how much of the cost is Patron (HTTP, JSON, planning the sale, Diesel) and how
much is the database work a sale needs anyway. Replaying exactly the SQL one submission runs,
straight from pgbench at the same concurrency on the same database, gives the figure an anchor.

Input: the part of a server log written with log_statement = 'all' that covers one submission
(stdin, or a file named as the argument). Lines start with log_line_prefix, which must contain
%p (PostgreSQL's default, '%m [%p] ', does); pass the cluster's value with --prefix. Diesel uses
the extended protocol, so a statement is logged as `execute <name>: SQL`, its parameters on the
next line as `DETAIL:  parameters: $1 = '...', $2 = NULL, ...`; PostgreSQL writes every line
after the first of a multi-line message with a leading tab, which is how statements and
parameter values spanning lines are put back together.

Output (stdout): a pgbench custom script (-f) holding the statements the submitting backend ran
between its BEGIN and its COMMIT, as one transaction, for pgbench -M prepared: each statement is
prepared once per pgbench connection, as Diesel does with the statements it caches. Health
checks and the terminal-token lookup that run outside that transaction, and every other
backend's statements, are left out. A parameter that is the same in every sale is inlined as the
literal it was logged as (quoted, '' inside), so PostgreSQL infers its type as it did for the
parameter; a literal holding something pgbench would read as a variable (a colon before a
letter) is written as U&'...' with that colon as \\003A. What varies from sale to sale is a whole
bind parameter, never text inside a literal (pgbench cannot bind inside a literal), and is made
without an extra statement, from one integer pgbench variable set per transaction,
:sale_key = (1000 + client_id) * 10^12 + a random 12 digits:
  - the sale's uuid (--uuid), where a parameter is exactly it, becomes
    ('<tag>-4000-8000-' || :sale_key)::uuid, i.e. <tag>-4000-8000-<1000 + client_id>-<12 digits>;
    <tag> is random per generated script, so the uuids differ from the ones wrk sends;
  - the invoice number (--number), where a parameter is exactly it, becomes ('Q-' || :sale_key);
  - a parameter that holds either inside it (the stored response JSON) is rebuilt as the
    concatenation of its logged pieces and those two, cast to jsonb when it is a JSON object or
    array (as the response is), else left text;
  - the id the INSERT ... RETURNING gave (--invoice-id) is captured with \\gset, and every later
    parameter that was that id becomes :returned_<column>.
So the replay sends what Patron's statements bind per sale as bind parameters too, and runs the
same number of statements. It is still not quite Patron's work: Diesel does not cache every
statement (those it logs as `execute <unnamed>`, its INSERTs and the response UPDATE among them,
are parsed and planned on every submission, which stays Patron's side of the share), and the
constants inlined are folded once per prepared statement where Patron binds them each time.
The script also runs in pgbench's simple protocol (-M simple), the variables then inlined as
numbers. The number of statements captured goes to stderr. Standard library only.

Usage: statements.py --uuid UUID --number NUMBER --invoice-id ID [--prefix PREFIX] [LOG]
"""
import argparse
import json
import re
import secrets
import sys

LEVELS = ("DEBUG[1-5]|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|"
          "LOCATION|STATEMENT")

# What each log_line_prefix escape can expand to. None of these may swallow the
# "LEVEL:  " that follows the prefix, which is why most are lazy.
ESCAPES = {
    "a": r".*?", "u": r".*?", "d": r".*?", "r": r".*?", "h": r".*?", "b": r".*?",
    "p": r"(?P<pid>\d+)", "P": r"\d*", "t": r".*?", "m": r".*?", "n": r"[\d.]+",
    "i": r".*?", "e": r"[0-9A-Z]{5}", "c": r"[0-9a-f.]+", "l": r"\d+", "s": r".*?",
    "v": r".*?", "x": r"\d+", "Q": r"-?\d+", "%": r"%",
}

# The pgbench variable the generated script sets per transaction, and the prefix \gset gives
# the INSERT's returned columns.
KEY_VAR = "sale_key"
GSET_PREFIX = "returned_"

# Where pgbench (parseQuery) takes a variable: a colon not in a run of colons, then a letter,
# an underscore or a non-ASCII byte. In prepared mode every one becomes a bind parameter,
# wherever it is, quoted or not.
PGBENCH_VAR_RE = re.compile(r"(?<!:):([A-Za-z_\u0080-\U0010ffff][A-Za-z_0-9\u0080-\U0010ffff]*)")


def fail(message):
    sys.exit(f"statements.py: {message}")


def prefix_regex(prefix):
    """The regex of one log line's start: log_line_prefix, then the level and two spaces."""
    if "%p" not in prefix:
        fail(f"log_line_prefix {prefix!r} has no %p, so backends cannot be told apart")
    return re.compile(
        r"^" + prefix_pattern(prefix) + r"(?P<level>" + LEVELS + r"):  (?P<text>.*)$")


def prefix_pattern(prefix):
    """log_line_prefix as a regex body; %p becomes the named group pid."""
    out, i = "", 0
    while i < len(prefix):
        m = re.match(r"%(-?\d+)?(.)", prefix[i:], re.S)
        if not m:
            out += re.escape(prefix[i])
            i += 1
            continue
        esc = m.group(2)
        if esc == "q":  # processes without a session stop the prefix here
            return out + "(?:" + prefix_pattern(prefix[i + 2:]) + ")?"
        if esc not in ESCAPES:
            fail(f"log_line_prefix escape %{esc} is not known")
        out += r" *" + ESCAPES[esc] + r" *" if m.group(1) else ESCAPES[esc]
        i += len(m.group(0))
    return out


def read_entries(lines, line_re):
    """(pid, level, text) per log message; continuation lines (tab first) are joined back."""
    entries = []
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("\t") and entries:
            pid, level, text = entries[-1]
            entries[-1] = (pid, level, text + "\n" + line[1:])
            continue
        m = line_re.match(line)
        if m and m.group("pid"):
            entries.append((int(m.group("pid")), m.group("level"), m.group("text")))
        else:
            entries.append((None, None, line))  # not a backend's message: kept apart, unused
    return entries


PARAM_RE = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')(?:, |$)", re.S)


def parse_parameters(text):
    """{n: literal} from "parameters: $1 = '...', $2 = NULL"; literals stay quoted."""
    params, pos = {}, 0
    while pos < len(text):
        m = PARAM_RE.match(text, pos)
        if not m:
            fail(f"cannot read the parameters at {text[pos:pos + 60]!r}")
        params[int(m.group(1))] = m.group(2)
        pos = m.end()
    return params


def statements_by_backend(entries):
    """{pid: [[sql, params], ...]} from the LOG statement/execute lines and their DETAILs."""
    by_pid = {}
    last = {}  # pid -> the statement its previous message logged, if any
    for pid, level, text in entries:
        if pid is None:
            continue
        if level == "LOG":
            m = re.match(r"(?:statement|execute [^:]+?(?:/[^:]+)?): ", text, re.S)
            if m:
                stmt = [text[m.end():], {}]
                by_pid.setdefault(pid, []).append(stmt)
                last[pid] = stmt
                continue
        elif level == "DETAIL" and text.startswith("parameters: ") and last.get(pid):
            last[pid][1] = parse_parameters(text[len("parameters: "):])
        elif level in ("ERROR", "FATAL", "PANIC"):
            by_pid.setdefault(pid, []).append([None, text])  # an error inside: refused below
        last[pid] = None
    return by_pid


def inline(sql, params):
    """sql with each $n outside literals, identifiers and comments replaced by params[n]."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "'":  # '...' with '' inside; E'...' also has \' (the E is copied as is)
            j = i + 1
            escapes = i > 0 and sql[i - 1] in "eE"
            while j < n:
                if escapes and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif ch == '"':
            j = sql.find('"', i + 1)
            j = n - 1 if j < 0 else j
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j])
            i = j
        elif ch == "$":
            m = re.compile(r"\$(\d+)").match(sql, i)
            tag = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$").match(sql, i)
            if m and not (i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
                number = int(m.group(1))
                if number not in params:
                    fail(f"${number} has no logged value in: {sql[:120]}")
                out.append(params[number])
                i = m.end()
            elif tag:  # $tag$ ... $tag$
                j = sql.find(tag.group(0), tag.end())
                j = n if j < 0 else j + len(tag.group(0))
                out.append(sql[i:j])
                i = j
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--uuid", required=True, help="the uuid the client gave the sale")
    ap.add_argument("--number", required=True, help="the invoice number the client gave")
    ap.add_argument("--invoice-id", required=True, help="the id the database gave the invoice")
    ap.add_argument("--prefix", default="%m [%p] ", help="the cluster's log_line_prefix")
    ap.add_argument("log", nargs="?", help="the log part (default: stdin)")
    args = ap.parse_args()
    if len(args.uuid) < 8 or len(args.number) < 6:
        fail("--uuid and --number must be distinctive: they are replaced wherever they appear")

    source = open(args.log, encoding="utf-8", errors="replace") if args.log else sys.stdin
    with source:
        entries = read_entries(source, prefix_regex(args.prefix))
    by_pid = statements_by_backend(entries)

    def literal(v):
        return "'" + v.replace("'", "''") + "'"

    uuid_lit, id_lit = literal(args.uuid), literal(args.invoice_id)

    # The submission: the BEGIN ... COMMIT of the backend that inserted the sale's uuid.
    found = None
    for pid, stmts in by_pid.items():
        begin = None
        for k, (sql, params) in enumerate(stmts):
            if sql is None:
                continue
            word = sql.strip().split(None, 1)[0].upper().rstrip(";") if sql.strip() else ""
            if word in ("BEGIN", "START"):
                begin = k
            elif word in ("ROLLBACK", "ABORT"):
                begin = None
            elif word in ("COMMIT", "END") and begin is not None:
                body = stmts[begin + 1:k]
                if any(s and re.match(r"\s*INSERT\b", s, re.I) and uuid_lit in p.values()
                       for s, p in body):
                    found = (pid, begin, k)
                    break
                begin = None
        if found:
            break
    if not found:
        fail(f"no BEGIN ... COMMIT inserting uuid {args.uuid} in the log (was log_statement "
             "= 'all' in effect for the submitting connection? did it answer 201?)")
    pid, begin, end = found
    stmts = by_pid[pid]
    body = stmts[begin + 1:end]
    if any(sql is None for sql, _ in body):
        fail("the submission's transaction logged an error: " +
             next(p for s, p in body if s is None))

    tag = secrets.token_hex(4)
    uuid_expr = f"('{tag}-4000-8000-' || :{KEY_VAR})::uuid"
    number_expr = f"('Q-' || :{KEY_VAR})"
    varying = re.compile(re.escape(args.uuid) + "|" + re.escape(args.number))

    def sql_literal(content):
        """content as a string literal pgbench leaves alone; PostgreSQL reads it as before."""
        if not PGBENCH_VAR_RE.search(content):
            return literal(content)
        escaped = content.replace("\\", "\\\\").replace("'", "''")
        return "U&'" + PGBENCH_VAR_RE.sub(lambda m: "\\003A" + m.group(1), escaped) + "'"

    def parameter(v):
        """A logged parameter (quoted literal or NULL) as it goes into the script."""
        if v == "NULL":
            return v
        content = v[1:-1].replace("''", "'")
        if content == args.uuid:
            return uuid_expr
        if content == args.number:
            return number_expr
        if not varying.search(content):
            return sql_literal(content)
        pieces, pos = [], 0
        for m in varying.finditer(content):
            if m.start() > pos:
                pieces.append(sql_literal(content[pos:m.start()]))
            pieces.append(uuid_expr + "::text" if m.group(0) == args.uuid else number_expr)
            pos = m.end()
        if pos < len(content):
            pieces.append(sql_literal(content[pos:]))
        try:
            is_json = isinstance(json.loads(content), (dict, list))
        except ValueError:
            is_json = False
        return "(" + " || ".join(pieces) + ")" + ("::jsonb" if is_json else "")

    lines = [
        "-- One invoice submission as Patron runs it: the statements its connection executed",
        f"-- between BEGIN and COMMIT (captured from backend {pid}), for pgbench -M prepared.",
        "-- Written by bench/statements.py for bench/invoices.sh; every transaction is a new",
        "-- sale: fresh uuid and number, and the invoice id its INSERT returns, all bound as",
        "-- parameters; what is the same in every sale is inlined.",
        f"\\set {KEY_VAR} (1000 + :client_id) * 1000000000000 + random(0, 999999999999)",
        stmts[begin][0].strip() + ";",
    ]
    gset_var = None
    id_uses = 0
    for sql, params in body:
        inlined = {}
        for n, v in params.items():
            if gset_var is None and v == id_lit:
                print(f"statements.py: warning: a parameter before the INSERT equals the "
                      f"invoice id {args.invoice_id}; it was kept as is", file=sys.stderr)
            if gset_var and v == id_lit:
                inlined[n] = f":{gset_var}"
                id_uses += 1
            else:
                inlined[n] = parameter(v)
        text = inline(sql.strip().rstrip(";").rstrip(), inlined)
        returning = re.search(r'\bRETURNING\s+(?:"?\w+"?\.)?"?(\w+)"?\s*$', text, re.I)
        is_sale_insert = gset_var is None and returning and uuid_lit in params.values() and \
            re.match(r"\s*INSERT\b", text, re.I)
        ours = {KEY_VAR} | ({gset_var} if gset_var else set())
        for name in PGBENCH_VAR_RE.findall(text):
            if name not in ours:
                fail(f"pgbench would take :{name} for a variable in: {text[:160]}")
        if is_sale_insert:
            gset_var = GSET_PREFIX + returning.group(1)
            lines.append(text + f" \\gset {GSET_PREFIX}")
        else:
            lines.append(text + ";")
    lines.append(stmts[end][0].strip() + ";")
    if gset_var is None:
        fail("no INSERT ... RETURNING of the sale was found to take the invoice id from")
    if id_uses == 0:
        print(f"statements.py: warning: no statement after the INSERT used the invoice id "
              f"{args.invoice_id}", file=sys.stderr)

    sys.stdout.write("\n".join(lines) + "\n")
    others = sum(len(s) for p, s in by_pid.items() if p != pid)
    print(f"statements.py: captured {len(body)} statements between {stmts[begin][0].strip()} "
          f"and {stmts[end][0].strip()} of backend {pid} ({id_uses} parameters now the "
          f"returned invoice id :{gset_var}); left out {len(stmts) - len(body) - 2} statements "
          f"it ran outside the transaction and {others} of other backends", file=sys.stderr)


if __name__ == "__main__":
    main()
