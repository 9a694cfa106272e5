#!/usr/bin/env python3
"""The traffic and the checks of bench/soak.sh (issue 24, "Nothing lost"). Standard library only.

  soak.py setup --base URL --psql URL --tokens FILE --out FILE
      makes what the traffic needs on the demo data: the offer "SOAK COUPON" (5 % off one item,
      only with a coupon) and the coupon SOAK-LIMIT on it with a Maximum Use (written as
      bench/coupons.sh writes them), and gift cards issued through the till API with known
      balances (two that run dry during the soak, two that never do).
  soak.py drive --setup FILE --data DIR --out FILE
      runs the traffic until DIR/stop exists: a till worker per store token (sales with fixed
      uuids: plain, with SOAK-LIMIT, part paid with a gift card; cancels of its own earlier sales;
      coupons/validate, carts/evaluate, gift card lookups, customer creates and the customer change
      feed), a page worker (signs in with the form's CSRF token, reads the home page, the
      customers list, customer pages and reports; signs out and in again now and then), and a
      sampler of Patron's VmRSS every 10 s (the pid is read from DIR/patron.pid).
  soak.py check --setup FILE --data DIR --results FILE
      settles and checks; prints PASS/FAIL lines and exits 1 on any FAIL.
"""
import argparse
import collections
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
COUPON_CODE = "SOAK-LIMIT"
COUPON_MAX_USE = 40
OFFER_TITLE = "SOAK COUPON"
OFFER_PERCENT = Decimal(5)
# Cards issued at setup: (initial value, what one sale takes at most). The small ones run dry
# (sales on them are then refused 422 and cancels give some back); the big ones never do.
CARDS = [("60.00", "10.00"), ("60.00", "10.00"), ("100000.00", "25.00"), ("100000.00", "25.00")]
EMAIL = "admin@example.com"
# Seconds before and after a fault during which its symptoms are allowed (see `allowed`).
GRACE = 10.0


def money(value):
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def now_rfc3339():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def psql(url, sql):
    """Runs an SQL script with psql (read from stdin, so COPY ... FROM STDIN data may follow);
    returns the rows of its output, tab-separated fields."""
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t"], input=sql,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"psql failed: {done.stderr.strip()}\n--- script ---\n{sql[:2000]}")
    return [line.split("\t") for line in done.stdout.splitlines() if line != ""]


class Client:
    """One keep-alive HTTP connection. `request` answers (status, headers, body); status is the HTTP
    status, or for a request that got none: 'refused' (nothing listening), 'reset' (the connection
    broke: a killed server), 'timeout' or 'error:<kind>'."""

    def __init__(self, base, timeout=30.0):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn, self.last_used = None, 0.0
        self.cookies = {}
        self.stale_retries = 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # The server closes a connection idle for 75 s: let it go well before.
        if self.conn is not None and time.monotonic() - self.last_used > 20:
            self.close()
        reused = self.conn is not None
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
            self.close()
            if not reused:
                return classify(e), {}, b""
            # A kept-alive connection the server had closed before it read the request: sent
            # again once on a new one (every request here may be repeated: sales are idempotent
            # by their uuid), as HTTP clients do.
            self.stale_retries += 1
            try:
                return self._send(method, path, body, headers)
            except Exception as e2:  # noqa: BLE001 - every failure is an outcome to count
                self.close()
                return classify(e2), {}, b""
        except Exception as e:  # noqa: BLE001
            self.close()
            return classify(e), {}, b""

    def _send(self, method, path, body, headers):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        if isinstance(body, str):
            body = body.encode()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.last_used = time.monotonic()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or cookie_value == "":
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = cookie_value
        if response.will_close:
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def classify(error):
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(error, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected,
                          http.client.IncompleteRead, ConnectionAbortedError)):
        return "reset"
    return f"error:{type(error).__name__}"


def is_2xx(status):
    return isinstance(status, int) and 200 <= status < 300


def definitive(status):
    """An answer a till would not retry: 2xx or 4xx."""
    return isinstance(status, int) and 200 <= status < 500


# ---------------------------------------------------------------------------------------- setup

def setup(args):
    tokens = []
    for line in open(args.tokens):
        store, token = line.split()
        tokens.append({"store": store, "token": token})
    if not tokens:
        raise SystemExit("no terminal tokens in the seed's output")
    company = psql(args.psql, "SELECT company_id FROM stores ORDER BY id LIMIT 1")[0][0]
    items = [{"code": code, "rate": str(money(rate))} for code, rate in psql(
        args.psql, "SELECT item_code, standard_rate FROM items WHERE active AND standard_rate > 0 ORDER BY id LIMIT 40")]
    coupon_item = items[0]
    # The offer and the coupon, as bench/coupons.sh writes them (the revision token tells every
    # instance's offer cache that offers changed).
    psql(args.psql, f"""
        WITH made AS (INSERT INTO offers (company_id, title) VALUES ({company}, '{OFFER_TITLE}') RETURNING id)
        INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id, offer_type,
            valid_from, discount_type, discount_percentage, auto)
        SELECT id, 1, now() - interval '1 minute', '{OFFER_TITLE}', 'item_code',
            (SELECT id FROM items WHERE item_code = '{coupon_item["code"]}'), 'item_price',
            current_date - 1, 'percentage', {OFFER_PERCENT}, false FROM made;
        INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, maximum_use)
            SELECT {company}, 'Soak limited', 'promotional', '{COUPON_CODE}', id, {COUPON_MAX_USE}
            FROM offers WHERE title = '{OFFER_TITLE}';
        INSERT INTO offer_revisions VALUES ({company}, gen_random_uuid())
            ON CONFLICT (company_id) DO UPDATE SET token = excluded.token;
    """)
    client = Client(args.base)
    cards = []
    for initial, per_sale in CARDS:
        body = json.dumps({"id": str(uuid.uuid4()), "initial_value": initial})
        status, _, data = client.request("POST", "/api/v1/gift-cards", body, {
            "Content-Type": "application/json", "Authorization": f"Bearer {tokens[0]['token']}"})
        if status != 201:
            raise SystemExit(f"issuing a gift card answered {status}: {data[:300]!r}")
        cards.append({"number": json.loads(data)["number"], "initial": initial, "per_sale": per_sale})
    customers = psql(args.psql, "SELECT id, code FROM customers WHERE active ORDER BY random() LIMIT 300")
    setup_data = {
        "base": args.base, "psql": args.psql, "tokens": tokens, "items": items,
        "coupon": {"code": COUPON_CODE, "max_use": COUPON_MAX_USE, "offer": OFFER_TITLE,
                   "item": coupon_item, "percent": str(OFFER_PERCENT)},
        "cards": cards,
        "customer_ids": [int(i) for i, _ in customers], "customer_codes": [c for _, c in customers],
    }
    with open(args.out, "w") as f:
        json.dump(setup_data, f, indent=1)
    print(f"  coupon {COUPON_CODE} (Maximum Use {COUPON_MAX_USE}) on offer '{OFFER_TITLE}' "
          f"({OFFER_PERCENT} % off {coupon_item['code']}); gift cards "
          + ", ".join(f"{c['number']} ({c['initial']})" for c in cards))


# ---------------------------------------------------------------------------------------- drive

class Recorder:
    """Every request of the soak: (kind, status, start, end, worker)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def add(self, kind, status, start, end, worker):
        with self.lock:
            self.requests.append((kind, status, start, end, worker))


def call(client, recorder, worker, kind, method, path, body=None, headers=None):
    start = time.time()
    status, response_headers, data = client.request(method, path, body, headers)
    end = time.time()
    recorder.add(kind, status, start, end, worker)
    return status, response_headers, data, start, end


class Till(threading.Thread):
    WEIGHTS = [("sale_plain", 34), ("sale_coupon", 12), ("sale_gift_card", 12), ("cancel", 8),
               ("coupon_validate", 7), ("cart_evaluate", 7), ("customer_create", 5),
               ("customer_changes", 5), ("gift_card_lookup", 5)]

    def __init__(self, number, token, setup_data, recorder, stop, think):
        super().__init__(daemon=True, name=f"till-{number}")
        self.number, self.token, self.setup, self.recorder = number, token, setup_data, recorder
        self.stop, self.think = stop, think
        self.rng = random.Random(number * 7919 + int(time.time()))
        self.client = Client(setup_data["base"])
        self.invoices = {}  # uuid -> record
        self.customers = {}  # uuid -> record
        self.pending = []  # sale uuids without a definitive answer yet: a till sends them again
        self.pending_cancels = []
        self.pending_customers = []
        self.cursor = 0
        self.serial = 0
        kinds, weights = zip(*self.WEIGHTS)
        self.kinds, self.weights = kinds, weights

    def headers(self, json_body=True):
        h = {"Authorization": f"Bearer {self.token}"}
        if json_body:
            h["Content-Type"] = "application/json"
        return h

    def run(self):
        guarded(self, self.loop)

    def loop(self):
        while not self.stop.is_set():
            if self.pending and self.rng.random() < 0.3:
                self.submit(self.pending.pop(0), retry=True)
            elif self.pending_cancels and self.rng.random() < 0.3:
                self.cancel(self.pending_cancels.pop(0))
            elif self.pending_customers and self.rng.random() < 0.3:
                self.create_customer(self.pending_customers.pop(0))
            else:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                getattr(self, "do_" + kind)()
            self.stop.wait(self.rng.uniform(0, 2 * self.think))

    # -- sales
    def lines(self, count):
        lines, net = [], Decimal(0)
        for item in self.rng.sample(self.setup["items"], count):
            qty = self.rng.randint(1, 3)
            lines.append({"item_code": item["code"], "qty": str(qty), "price_list_rate": item["rate"]})
            net += qty * Decimal(item["rate"])
        return lines, money(net)

    def new_sale(self, kind):
        self.serial += 1
        sale_id = str(uuid.uuid4())
        body = {"id": sale_id, "number": f"SOAK-{self.number}-{self.serial:06d}", "posted_at": now_rfc3339()}
        record = {"uuid": sale_id, "kind": kind, "worker": self.number, "attempts": [], "cancels": []}
        if kind == "sale_coupon":
            coupon = self.setup["coupon"]
            rate = Decimal(coupon["item"]["rate"])
            discount = money(2 * rate * Decimal(coupon["percent"]) / 100)
            net = money(2 * rate - discount)
            body["coupon_codes"] = [coupon["code"]]
            body["lines"] = [{"item_code": coupon["item"]["code"], "qty": "2", "price_list_rate": str(rate),
                              "discount_amount": str(discount), "offer": coupon["offer"]}]
            body["payments"] = [{"mode": "card", "amount": str(net)}]
            body["totals"] = {"net_total": str(net), "discount_amount": str(discount), "grand_total": str(net)}
            record["coupon"] = coupon["code"]
        else:
            lines, net = self.lines(self.rng.randint(1, 3))
            body["lines"] = lines
            body["totals"] = {"net_total": str(net), "grand_total": str(net)}
            if kind == "sale_gift_card":
                card = self.rng.choice(self.setup["cards"])
                part = min(net, money(Decimal(self.rng.randint(100, int(Decimal(card["per_sale"]) * 100))) / 100))
                body["payments"] = [{"mode": "gift_card", "amount": str(part), "card": card["number"]}]
                if net - part > 0:
                    body["payments"].append({"mode": "card", "amount": str(net - part)})
                record["card"], record["card_amount"] = card["number"], str(part)
            else:
                if self.rng.random() < 0.3:
                    body["customer_code"] = self.rng.choice(self.setup["customer_codes"])
                body["payments"] = [{"mode": "card", "amount": str(net)}]
        record["body"] = json.dumps(body)
        record["lines"] = len(body["lines"])
        record["payments"] = len(body["payments"])
        record["grand_total"] = body["totals"]["grand_total"]
        self.invoices[sale_id] = record
        return sale_id

    def do_sale_plain(self):
        self.submit(self.new_sale("sale_plain"))

    def do_sale_coupon(self):
        self.submit(self.new_sale("sale_coupon"))

    def do_sale_gift_card(self):
        self.submit(self.new_sale("sale_gift_card"))

    def submit(self, sale_id, retry=False):
        record = self.invoices[sale_id]
        kind = record["kind"] + ("_retry" if retry else "")
        status, _, data, start, end = call(self.client, self.recorder, self.number, kind, "POST",
                                           "/api/v1/invoices", record["body"], self.headers())
        attempt = {"status": status, "start": start, "end": end}
        if status == 422:
            attempt["error"] = error_fields(data)
        record["attempts"].append(attempt)
        if not definitive(status):
            self.pending.append(sale_id)

    def do_cancel(self):
        accepted = [r for r in self.invoices.values()
                    if any(is_2xx(a["status"]) for a in r["attempts"]) and not r["cancels"]]
        if not accepted:
            return
        # Half the cancels go to sales that hold a coupon use or gift card money.
        special = [r for r in accepted if r["kind"] != "sale_plain"]
        pick = self.rng.choice(special if special and self.rng.random() < 0.5 else accepted)
        self.cancel(pick["uuid"])

    def cancel(self, sale_id):
        record = self.invoices[sale_id]
        status, _, data, start, end = call(self.client, self.recorder, self.number, "cancel", "POST",
                                           f"/api/v1/invoices/{sale_id}/cancel", None, self.headers(False))
        attempt = {"status": status, "start": start, "end": end}
        if isinstance(status, int) and status >= 400:
            attempt["error"] = data[:300].decode(errors="replace")
        record["cancels"].append(attempt)
        if not definitive(status):
            self.pending_cancels.append(sale_id)

    # -- the other till calls
    def do_coupon_validate(self):
        code = self.setup["coupon"]["code"] if self.rng.random() < 0.7 else "WELCOME10"
        call(self.client, self.recorder, self.number, "coupon_validate", "POST", "/api/v1/coupons/validate",
             json.dumps({"code": code, "posted_at": now_rfc3339()}), self.headers())

    def do_cart_evaluate(self):
        lines, _ = self.lines(self.rng.randint(1, 4))
        body = {"lines": lines, "posted_at": now_rfc3339()}
        if self.rng.random() < 0.5:
            coupon = self.setup["coupon"]
            body["lines"].append({"item_code": coupon["item"]["code"], "qty": "2",
                                  "price_list_rate": coupon["item"]["rate"]})
            body["coupon_codes"] = [coupon["code"]]
        if self.rng.random() < 0.3:
            body["customer_code"] = self.rng.choice(self.setup["customer_codes"])
        call(self.client, self.recorder, self.number, "cart_evaluate", "POST", "/api/v1/carts/evaluate",
             json.dumps(body), self.headers())

    def do_gift_card_lookup(self):
        card = self.rng.choice(self.setup["cards"])
        call(self.client, self.recorder, self.number, "gift_card_lookup", "GET",
             f"/api/v1/gift-cards/{card['number']}", None, self.headers(False))

    def do_customer_create(self):
        self.serial += 1
        customer_id = str(uuid.uuid4())
        body = {"id": customer_id, "first_name": "Soak", "last_name": f"Till{self.number}-{self.serial:06d}",
                "mobile": f"+1 555 {self.number:03d} {self.serial % 10000:04d}",
                "email": f"soak{self.number}.{self.serial}@example.com"}
        self.customers[customer_id] = {"uuid": customer_id, "body": json.dumps(body), "attempts": []}
        self.create_customer(customer_id)

    def create_customer(self, customer_id):
        record = self.customers[customer_id]
        status, _, data, start, end = call(self.client, self.recorder, self.number, "customer_create", "POST",
                                           "/api/v1/customers", record["body"], self.headers())
        record["attempts"].append({"status": status, "start": start, "end": end})
        if not definitive(status):
            self.pending_customers.append(customer_id)

    def do_customer_changes(self):
        status, _, data, _, _ = call(self.client, self.recorder, self.number, "customer_changes", "GET",
                                     f"/api/v1/customers/changes?after={self.cursor}&limit=200", None,
                                     self.headers(False))
        if status == 200:
            try:
                self.cursor = json.loads(data)["next"]
            except (ValueError, KeyError):
                pass


CRASHES = []


def guarded(thread, loop):
    """Runs a worker's loop; a worker that dies is noted (and fails the check), not silent."""
    try:
        loop()
    except Exception:  # noqa: BLE001
        import traceback
        CRASHES.append(f"{thread.name}: {traceback.format_exc()}")
        print(f"soak.py: worker {thread.name} died:\n{traceback.format_exc()}", file=sys.stderr, flush=True)


def error_fields(data):
    try:
        error = json.loads(data)["error"]
        return {"code": error.get("code"), "fields": error.get("fields")}
    except (ValueError, KeyError, TypeError):
        return {"raw": data[:300].decode(errors="replace")}


CSRF_META = re.compile(r'name="csrf-token" content="([^"]*)"')


class Pages(threading.Thread):
    """A person in the back office: signs in through the form and reads pages."""

    def __init__(self, number, setup_data, password, recorder, stop, think):
        super().__init__(daemon=True, name=f"pages-{number}")
        self.number, self.setup, self.password, self.recorder = number, setup_data, password, recorder
        self.stop, self.think = stop, think
        self.rng = random.Random(number * 104729 + int(time.time()))
        self.client = Client(setup_data["base"])
        self.csrf = ""
        self.sign_ins = 0
        self.sent_to_sign_in = 0  # reads answered with a redirect to /login: the session was lost

    def page(self, kind, path):
        status, headers, data, _, _ = call(self.client, self.recorder, f"pages-{self.number}", kind, "GET", path)
        if status == 200:
            found = CSRF_META.search(data.decode(errors="replace"))
            if found:
                self.csrf = found.group(1)
        return status, headers

    def sign_in(self):
        while not self.stop.is_set():
            self.client.cookies.clear()
            status, _ = self.page("page_login_form", "/login")
            if status == 200 and self.csrf:
                form = urllib.parse.urlencode({"csrf_token": self.csrf, "email": EMAIL, "password": self.password})
                status, headers, _, _, _ = call(self.client, self.recorder, f"pages-{self.number}", "page_sign_in",
                                                "POST", "/login", form,
                                                {"Content-Type": "application/x-www-form-urlencoded"})
                if status == 303 and headers.get("location", "") == "/":
                    self.sign_ins += 1
                    self.page("page_home", "/")
                    return
            self.stop.wait(1)

    def sign_out(self):
        form = urllib.parse.urlencode({"csrf_token": self.csrf})
        call(self.client, self.recorder, f"pages-{self.number}", "page_sign_out", "POST", "/logout", form,
             {"Content-Type": "application/x-www-form-urlencoded"})

    def run(self):
        guarded(self, self.loop)

    def loop(self):
        self.sign_in()
        reads = 0
        reports = ["/reports/stores", "/reports/customers", "/reports/coupons", "/reports/gift-cards",
                   "/reports/offers", "/reports"]
        while not self.stop.is_set():
            choice = self.rng.random()
            if choice < 0.2:
                kind, path = "page_home", "/"
            elif choice < 0.4:
                kind, path = "page_customers", "/customers" + self.rng.choice(
                    ["", "?page=2", "?q=smith", "?q=soak", "?q=555"])
            elif choice < 0.7:
                kind, path = "page_customer", f"/customers/{self.rng.choice(self.setup['customer_ids'])}"
            else:
                kind, path = "page_report", self.rng.choice(reports)
            status, headers = self.page(kind, path)
            if status in (302, 303) and "/login" in headers.get("location", ""):
                self.sent_to_sign_in += 1
                self.sign_in()
            reads += 1
            if reads % 150 == 0:
                self.sign_out()
                self.sign_in()
            self.stop.wait(self.rng.uniform(0, 2 * self.think))


class Sampler(threading.Thread):
    """Patron's VmRSS every 10 s, with the pid it was read from and the load average."""

    def __init__(self, pid_file, stop):
        super().__init__(daemon=True, name="rss")
        self.pid_file, self.stop = pid_file, stop
        self.samples = []

    def run(self):
        while True:
            try:
                pid = int(open(self.pid_file).read().split()[0])
                with open(f"/proc/{pid}/status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                kb, threads = int(fields["VmRSS"].split()[0]), int(fields["Threads"])
                load = open("/proc/loadavg").read().split()[0]
                self.samples.append({"t": time.time(), "pid": pid, "kb": kb, "threads": threads, "load1": float(load)})
            except (OSError, ValueError, KeyError):
                pass  # Patron is between a kill and its restart
            if self.stop.wait(10):
                return


def drive(args):
    setup_data = json.load(open(args.setup))
    recorder = Recorder()
    stop = threading.Event()
    stop_file = os.path.join(args.data, "stop")
    sampler = Sampler(os.path.join(args.data, "patron.pid"), stop)
    tills = [Till(i + 1, t["token"], setup_data, recorder, stop, args.think) for i, t in enumerate(setup_data["tokens"])]
    pages = [Pages(i + 1, setup_data, args.password, recorder, stop, args.think * 2) for i in range(args.page_workers)]
    started = time.time()
    for thread in [sampler, *tills, *pages]:
        thread.start()
    while not os.path.exists(stop_file):
        time.sleep(0.5)
    stop.set()
    for thread in [*tills, *pages]:
        thread.join(60)
    sampler.join(15)
    result = {
        "started": started, "stopped": time.time(), "requests": recorder.requests,
        "invoices": [r for t in tills for r in t.invoices.values()],
        "customers": [r for t in tills for r in t.customers.values()],
        "rss": sampler.samples,
        "crashes": CRASHES,
        "stale_retries": sum(w.client.stale_retries for w in [*tills, *pages]),
        "pages": [{"sign_ins": p.sign_ins, "sent_to_sign_in": p.sent_to_sign_in} for p in pages],
    }
    with open(args.out, "w") as f:
        json.dump(result, f)


# ---------------------------------------------------------------------------------------- check

class Verdicts:
    def __init__(self):
        self.failed = 0

    def line(self, ok, text):
        if not ok:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'}  {text}", flush=True)


def read_events(path):
    events = []
    for line in open(path):
        t, name = line.split(maxsplit=1)
        events.append((float(t), name.strip()))
    return events


def fault_windows(events):
    """(start, end, which) of each fault: the PostgreSQL restart from pg_ctl's start until /healthz
    answered 200 again, the kill from the SIGKILL until the new Patron answered /healthz; each
    widened by GRACE seconds on both sides."""
    def first(name, after=0.0):
        return next((t for t, n in events if n.split()[0] == name and t >= after), None)

    windows = []
    restart = first("pg_restart")
    if restart is not None:
        back = first("pg_healthy", restart)
        windows.append((restart - GRACE, (back or float("inf")) + GRACE, "pg"))
    kill = first("kill")
    if kill is not None:
        back = first("patron_healthy", kill)
        windows.append((kill - GRACE, (back or float("inf")) + GRACE, "kill"))
    return windows


def allowed(status, start, end, windows):
    """Whether a status is allowed: any 2xx-4xx always; 503 and a timeout only during the
    PostgreSQL restart; a refused or broken connection and a timeout only around the kill.
    Everything else (500, any other 5xx, 503 outside the restart, a refusal outside the kill)
    fails."""
    if isinstance(status, int) and status < 500:
        return True
    during = {which for (a, b, which) in windows if start <= b and end >= a}
    if status == 503 or status == "timeout":
        return "pg" in during or (status == "timeout" and "kill" in during)
    if status in ("refused", "reset"):
        return "kill" in during
    return False


def check(args):
    setup_data = json.load(open(args.setup))
    results = json.load(open(args.results))
    events = read_events(os.path.join(args.data, "events"))
    windows = fault_windows(events)
    base, url = setup_data["base"], setup_data["psql"]
    verdicts = Verdicts()
    tokens = {i + 1: t["token"] for i, t in enumerate(setup_data["tokens"])}
    invoices = results["invoices"]
    customers = results["customers"]
    duration = results["stopped"] - results["started"]

    # -- what the traffic was answered
    print(f"== traffic: {len(results['requests'])} requests in {duration / 60:.1f} min "
          f"({len(results['requests']) / max(duration, 1):.1f}/s), {len(tokens)} tills, "
          f"{len(results['pages'])} page worker(s)")
    for t, name in events:
        print(f"  {t - results['started']:7.1f} s  {name}")
    per_kind = collections.defaultdict(collections.Counter)
    times = collections.defaultdict(list)
    for kind, status, start, end, worker in results["requests"]:
        per_kind[kind][status] += 1
        if isinstance(status, int):
            times[kind].append(((end - start) * 1000, start - results["started"]))
    print(f"  {'kind':22} {'requests':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'at s':>6}  statuses")
    for kind in sorted(per_kind):
        counts = per_kind[kind]
        ms = sorted(times[kind]) or [(0, 0)]
        print(f"  {kind:22} {sum(counts.values()):8} {ms[len(ms) // 2][0]:7.1f} "
              f"{ms[min(len(ms) - 1, len(ms) * 99 // 100)][0]:7.1f} {ms[-1][0]:7.0f} {ms[-1][1]:6.0f}  " + ", ".join(f"{s}: {n}" for s, n in sorted(counts.items(), key=lambda kv: str(kv[0]))))
    bad = [(kind, status, start - results["started"]) for kind, status, start, end, worker in results["requests"]
           if not allowed(status, start, end, windows)]
    in_windows = collections.Counter(status for kind, status, start, end, worker in results["requests"]
                                     if not (isinstance(status, int) and status < 500))
    print(f"  answers other than 2xx-4xx (all): {dict(in_windows) or 'none'}; keep-alive connections "
          f"found closed and sent again: {results['stale_retries']}")
    for p in results["pages"]:
        print(f"  page worker: {p['sign_ins']} sign-ins, {p['sent_to_sign_in']} reads sent to /login")
    verdicts.line(not bad, "no 500 (nor other 5xx) at any time; 503/timeouts only while PostgreSQL restarted, "
                  "refused/broken connections only while Patron was dead (±10 s)"
                  + ("" if not bad else f": {len(bad)} outside: "
                     + ", ".join(f"{k} {s} at {t:.1f}s" for k, s, t in bad[:15])))
    verdicts.line(not results["crashes"], f"every traffic worker ran to the end ({len(results['crashes'])} died"
                  + (f": {results['crashes'][0].splitlines()[-1]}" if results["crashes"] else "") + ")")
    lost_sessions = sum(p["sent_to_sign_in"] for p in results["pages"])
    verdicts.line(lost_sessions == 0, f"sessions survived both faults (reads sent back to /login: {lost_sessions})")

    client = Client(base, timeout=60)
    until = time.time() + 60
    while client.request("GET", "/healthz")[0] != 200:
        if time.time() > until:
            raise SystemExit("Patron does not answer /healthz")
        time.sleep(0.5)

    # -- settle: cancels whose answer was lost are sent again (idempotent), then every sale is
    # resubmitted with its exact body
    print("== settling: cancels without an answer sent again, every attempted sale resubmitted")
    by_uuid = {r["uuid"]: r for r in invoices}
    final_cancels = collections.Counter()
    for record in invoices:
        if record["cancels"] and not any(definitive(c["status"]) for c in record["cancels"]):
            status = Client(base).request("POST", f"/api/v1/invoices/{record['uuid']}/cancel", None,
                                          {"Authorization": f"Bearer {tokens[record['worker']]}"})[0]
            record["cancels"].append({"status": status, "start": time.time(), "end": time.time(), "settle": True})
            final_cancels[status] += 1
    if final_cancels:
        print(f"  cancels sent again: {dict(final_cancels)}")

    local = threading.local()

    def resubmit(record):
        if not hasattr(local, "client"):
            local.client = Client(base, timeout=60)
        status, _, data = local.client.request("POST", "/api/v1/invoices", record["body"], {
            "Content-Type": "application/json", "Authorization": f"Bearer {tokens[record['worker']]}"})
        return record, status, data

    resubmitted = collections.defaultdict(collections.Counter)
    wrong = []
    started = time.time()
    with ThreadPoolExecutor(4) as pool:
        for record, status, data in pool.map(resubmit, invoices):
            was_accepted = any(is_2xx(a["status"]) for a in record["attempts"])
            resubmitted[record["kind"]][status] += 1
            record["resubmit"] = status
            if status == 422:
                record["resubmit_error"] = error_fields(data)
            if status in (200, 201):
                if was_accepted and status != 200:
                    wrong.append((record["uuid"], record["kind"], "accepted before, now 201: stored twice?"))
            elif status == 422 and record["kind"] != "sale_plain" and not was_accepted:
                pass  # a coupon used up or a card without enough money: a refusal, then and now
            else:
                wrong.append((record["uuid"], record["kind"], f"answered {status} {data[:200]!r}"))
    print(f"  {len(invoices)} sales resubmitted in {time.time() - started:.1f} s")
    for kind in sorted(resubmitted):
        print(f"  {kind:16} " + ", ".join(f"{s}: {n}" for s, n in sorted(resubmitted[kind].items(), key=lambda kv: str(kv[0]))))
    verdicts.line(not wrong, "resubmitting every attempted sale answers 200 (201 only if never accepted; "
                  "422 only for a coupon or gift card sale never accepted), never 409 or 5xx"
                  + ("" if not wrong else f": {len(wrong)} wrong, e.g. {wrong[:5]}"))

    # -- the database against what the tills were told
    stored = {r["uuid"] for r in invoices
              if any(is_2xx(a["status"]) for a in r["attempts"]) or r.get("resubmit") in (200, 201)}
    cancelled = {r["uuid"] for r in invoices if any(c["status"] == 200 for c in r["cancels"])}
    rows = "\n".join(f"{r['uuid']}\t{r['lines']}\t{r['payments']}\t{r['grand_total']}\t"
                     f"{'t' if r['uuid'] in stored else 'f'}\t{'t' if r['uuid'] in cancelled else 'f'}"
                     for r in invoices)
    answer = psql(url, f"""
        CREATE TEMP TABLE soak_sales (uuid uuid PRIMARY KEY, lines int, payments int, grand numeric,
            acked bool, cancelled bool);
        COPY soak_sales FROM STDIN;
{rows}
\\.
        SELECT
          (SELECT count(*) FROM soak_sales),
          (SELECT count(*) FROM soak_sales s WHERE s.acked AND (SELECT count(*) FROM invoices i WHERE i.uuid = s.uuid) <> 1),
          (SELECT count(*) FROM soak_sales s WHERE NOT s.acked AND EXISTS (SELECT 1 FROM invoices i WHERE i.uuid = s.uuid)),
          (SELECT count(*) FROM soak_sales s JOIN invoices i USING (uuid) WHERE
             (SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id) <> s.lines
             OR (SELECT count(*) FROM invoice_payments p WHERE p.invoice_id = i.id) <> s.payments
             OR i.grand_total <> s.grand),
          (SELECT count(*) FROM soak_sales s JOIN invoices i USING (uuid) WHERE
             (i.status = 'cancelled') <> s.cancelled),
          (SELECT count(*) FROM invoices WHERE number LIKE 'SOAK-%'),
          (SELECT count(*) FROM soak_sales WHERE acked);
    """)
    total, not_once, phantom, half, status_off, db_soak, acked = (int(x) for x in answer[0])
    print(f"== the database: {acked} sales acknowledged ({len(cancelled)} of them cancelled), "
          f"{db_soak} SOAK- invoices stored")
    verdicts.line(not_once == 0 and db_soak == acked,
                  f"every sale answered 2xx is stored exactly once (not exactly once: {not_once}; "
                  f"stored SOAK- invoices {db_soak} vs acknowledged {acked})")
    verdicts.line(phantom == 0, f"no sale stored that was never acknowledged, even after resubmitting ({phantom})")
    verdicts.line(half == 0, f"none half-written: each stored sale has its lines, its payments and its grand total ({half} not)")
    verdicts.line(status_off == 0, f"cancelled exactly the sales whose cancel answered 200 ({status_off} differ)")
    cancels_404 = [r["uuid"] for r in invoices for c in r["cancels"] if c["status"] == 404]
    verdicts.line(not cancels_404, f"no cancel of an accepted sale answered 404 ({len(cancels_404)})")

    # -- customers
    c_acked = {c["uuid"] for c in customers if any(is_2xx(a["status"]) for a in c["attempts"])}
    c_redo = collections.Counter()
    for c in customers:
        status = client.request("POST", "/api/v1/customers", c["body"], {
            "Content-Type": "application/json", "Authorization": f"Bearer {tokens[1]}"})[0]
        c_redo[status] += 1
        if status in (200, 201):
            c_acked.add(c["uuid"])
    rows = "\n".join(f"{c['uuid']}\t{'t' if c['uuid'] in c_acked else 'f'}" for c in customers)
    answer = psql(url, f"""
        CREATE TEMP TABLE soak_customers (uuid uuid PRIMARY KEY, acked bool);
        COPY soak_customers FROM STDIN;
{rows}
\\.
        SELECT (SELECT count(*) FROM soak_customers s WHERE s.acked AND (SELECT count(*) FROM customers c WHERE c.uuid = s.uuid) <> 1),
               (SELECT count(*) FROM soak_customers s WHERE NOT s.acked AND EXISTS (SELECT 1 FROM customers c WHERE c.uuid = s.uuid));
    """)
    c_not_once, c_phantom = (int(x) for x in answer[0])
    verdicts.line(c_not_once == 0 and c_phantom == 0 and set(c_redo) <= {200, 201},
                  f"customers: {len(c_acked)} of {len(customers)} created, each stored once; sending each "
                  f"again answers {dict(c_redo)} ({c_not_once} not once, {c_phantom} stored unacknowledged)")

    # -- the coupon
    coupon = setup_data["coupon"]
    expected_uses = sum(1 for r in invoices if r.get("coupon") and r["uuid"] in stored and r["uuid"] not in cancelled)
    row = psql(url, f"""
        SELECT c.maximum_use, c.used,
          (SELECT count(*) FROM coupon_redemptions r WHERE r.coupon_id = c.id AND r.released_at IS NULL),
          (SELECT count(*) FROM coupon_redemptions r WHERE r.coupon_id = c.id),
          (SELECT count(*) FROM invoices i WHERE i.status = 'submitted' AND '{coupon['code']}' = ANY (i.coupon_codes))
        FROM coupons c WHERE c.code = '{coupon['code']}'""")[0]
    max_use, used, held, ever, on_invoices = (int(x) for x in row)
    refused_used_up = sum(1 for r in invoices if r.get("coupon") for a in r["attempts"] if a["status"] == 422)
    print(f"== coupon {coupon['code']}: Maximum Use {max_use}, Used {used}, redemptions held {held} "
          f"(ever {ever}), submitted invoices naming it {on_invoices}, the tills' count {expected_uses}; "
          f"sales refused 422: {refused_used_up}")
    verdicts.line(used <= max_use and held <= max_use and on_invoices <= max_use,
                  f"coupon {coupon['code']} used no more than its limit ({max(used, held, on_invoices)} <= {max_use})")
    verdicts.line(used == held == on_invoices == expected_uses,
                  "the coupon's Used, its redemptions held, the invoices naming it and the tills' count agree")
    overall = psql(url, """SELECT count(*) FROM coupons c WHERE c.maximum_use > 0 AND (c.used > c.maximum_use
        OR (SELECT count(*) FROM coupon_redemptions r WHERE r.coupon_id = c.id AND r.released_at IS NULL) > c.maximum_use)""")
    verdicts.line(overall[0][0] == "0", f"no coupon at all used more than its Maximum Use ({overall[0][0]})")

    # -- gift cards
    cards = psql(url, """SELECT g.number, g.initial_value, g.balance, coalesce(sum(e.amount), 0),
            (SELECT e2.balance_after FROM gift_card_entries e2 WHERE e2.card_id = g.id ORDER BY e2.id DESC LIMIT 1),
            count(e.id)
        FROM gift_cards g LEFT JOIN gift_card_entries e ON e.card_id = g.id GROUP BY g.id ORDER BY g.id""")
    print(f"== gift cards ({len(cards)} in the database)")
    mismatched = []
    for number, initial, balance, ledger, last_after, entries in cards:
        mine = next((c for c in setup_data["cards"] if c["number"] == number), None)
        expected = None
        if mine:
            taken = sum(Decimal(r["card_amount"]) for r in invoices
                        if r.get("card") == number and r["uuid"] in stored and r["uuid"] not in cancelled)
            expected = Decimal(mine["initial"]) - taken
            print(f"  {number}: initial {money(initial)}, balance {money(balance)}, ledger sum {money(ledger)} "
                  f"over {entries} entries, the tills' count {money(expected)}")
        if Decimal(balance) != Decimal(ledger) or Decimal(balance) < 0 or \
                (last_after is not None and last_after != "" and Decimal(last_after) != Decimal(balance)) or \
                (expected is not None and Decimal(balance) != expected):
            mismatched.append(number)
    verdicts.line(not mismatched, "every gift card's balance equals the sum of its ledger (and its last "
                  "balance_after), is not negative, and the soak's cards hold initial less the accepted, "
                  f"uncancelled sales' card payments ({len(mismatched)} not: {mismatched[:5]})")

    # -- memory
    samples = results["rss"]
    print(f"== Patron's RSS, sampled every 10 s ({len(samples)} samples)")
    by_pid = collections.OrderedDict()
    for s in samples:
        by_pid.setdefault(s["pid"], []).append(s)
    for pid, run in by_pid.items():
        kbs = [s["kb"] for s in run]
        print(f"  pid {pid}: {len(kbs)} samples over {(run[-1]['t'] - run[0]['t']) / 60:.1f} min: first "
              f"{kbs[0] / 1024:.1f} MiB, median {statistics.median(kbs) / 1024:.1f} MiB, max {max(kbs) / 1024:.1f} MiB, "
              f"last {kbs[-1] / 1024:.1f} MiB; threads {run[0].get('threads')} -> {run[-1].get('threads')}")
        print("    each minute (MiB): " + " ".join(f"{kb / 1024:.0f}" for kb in kbs[::6]))
    # The rule, for each Patron process (the one from the start until the SIGKILL, through the
    # PostgreSQL restart, and the one after): its samples of the first `warmup` seconds are left
    # out (its pools, caches, threads and allocator arenas fill up then: about 30 -> 110 MiB in
    # 3 minutes on 2 cores at this load, then flat); of the rest, the median of the last third may
    # exceed the median of the first third by at most 25 %. A process with fewer than 9 samples
    # after its warm-up is not judged (SKIP: the run was too short).
    judged = 0
    for pid, run in by_pid.items():
        steady = [s for s in run if s["t"] - run[0]["t"] >= args.warmup]
        if len(steady) < 9:
            print(f"SKIP  RSS growth of pid {pid}: {len(steady)} samples after its {args.warmup:.0f} s warm-up, "
                  "too few to judge (a longer SOAK_MINUTES judges it)")
            continue
        judged += 1
        third = len(steady) // 3
        first_median = statistics.median(s["kb"] for s in steady[:third])
        last_median = statistics.median(s["kb"] for s in steady[-third:])
        growth = (last_median / first_median - 1) * 100
        verdicts.line(growth <= 25, f"RSS growth of pid {pid} after its {args.warmup:.0f} s warm-up ({len(steady)} samples "
                      f"over {(steady[-1]['t'] - steady[0]['t']) / 60:.1f} min): median of the first third "
                      f"{first_median / 1024:.1f} MiB, of the last third {last_median / 1024:.1f} MiB: {growth:+.1f} % "
                      "(rule: at most +25 %)")
    loads = [s["load1"] for s in samples]
    load_now = open("/proc/loadavg").read().split()[:3]
    print(f"== machine: {os.cpu_count()} CPUs; load average now {' '.join(load_now)}"
          + (f"; 1-min load during the soak: min {min(loads):.2f}, median {statistics.median(loads):.2f}, "
             f"max {max(loads):.2f}" if loads else ""))

    # -- the server's log
    panics = 0
    log = os.path.join(args.data, "serve.log")
    if os.path.exists(log):
        with open(log, errors="replace") as f:
            panics = sum(1 for line in f if "panicked" in line)
    verdicts.line(panics == 0, f"no panic in Patron's log ({panics})")

    print(f"== {'FAILED' if verdicts.failed else 'PASSED'}: {verdicts.failed} check(s) failed")
    return 1 if verdicts.failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("setup")
    p.add_argument("--base", required=True)
    p.add_argument("--psql", required=True)
    p.add_argument("--tokens", required=True, help="lines 'STORE TOKEN'")
    p.add_argument("--out", required=True)
    p = commands.add_parser("drive")
    p.add_argument("--setup", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--think", type=float, default=0.05, help="mean seconds between a worker's requests")
    p.add_argument("--page-workers", type=int, default=1)
    p = commands.add_parser("check")
    p.add_argument("--setup", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--warmup", type=float, default=180, help="seconds of a process's RSS samples left out")
    args = parser.parse_args()
    if args.command == "setup":
        setup(args)
    elif args.command == "drive":
        drive(args)
    else:
        sys.exit(check(args))


if __name__ == "__main__":
    main()
