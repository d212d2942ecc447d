#!/usr/bin/env python3
"""`make bench`'s harness (scripts/bench.sh builds the clients, then runs this).

Starts the zero-logic nginx (bench/nginx.conf) and, for each CPU placement, runs wrk and each
language's client program (bench/<lang>/), which print one `ROW` line per round. Reports the
median of the rounds per row: verifications/s and the client process's CPU µs per verification;
then the ratios and a PASS/FAIL mark for each goal of issue 15. Also, once: TLS handshakes per
N sequential verifications (nginx's log) and RSS per pending verification (against the mock,
which can hold requests and says how many it held at once). A missing toolchain or build prints
SKIPPED with the reason. SV_BENCH_CLIENTS limits the run to some clients; `run.py --profile`
(`make bench-profile`) runs bench/profiles.py instead.
Nothing here asserts on timing: FAIL marks are information, and the exit status is 0.
"""

import json
import os
import re
import resource
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.environ["SV_ROOT"]
OUT = os.environ["SV_OUT"]
LIB = os.path.join(ROOT, "target", "release")
ENV_N = os.environ.get("SV_BENCH_N", "2000")
ROUNDS = int(os.environ.get("SV_BENCH_ROUNDS", "5"))
PLACEMENTS = os.environ.get("SV_BENCH_PLACEMENTS", "pinned one-cpu unpinned").split()
# CPU affinity (taskset -c) of nginx and of the client per placement; None: the scheduler's choice.
# "pinned" puts a CPU between them (every round trip a cross-CPU wake-up, expensive in a VM);
# "one-cpu" shares one CPU (no cross-CPU wake-up: what is left is the code's own cost).
CPUS = {"pinned": ("0", "1"), "one-cpu": ("1", "1"), "unpinned": (None, None)}
CLIENT_TIMEOUT = int(os.environ.get("SV_BENCH_CLIENT_TIMEOUT", "150"))
MEM_COUNT = int(os.environ.get("SV_BENCH_MEM_COUNT", "10000"))
MEM_DELAY_MS = int(os.environ.get("SV_BENCH_MEM_DELAY_MS", "15000"))
NGX = os.path.join(OUT, "nginx")
TLS = os.path.join(OUT, "tls")


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def skips_from_build():
    """label -> reason, written by scripts/bench.sh for what it could not build."""
    out = {}
    path = os.path.join(OUT, "skips.tsv")
    if os.path.exists(path):
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[0] == "SKIP":
                out[parts[1]] = parts[2]
    return out


class Nginx:
    def __init__(self):
        self.http_port, self.https_port = free_port(), free_port()
        self.tls = all(os.path.exists(os.path.join(TLS, f)) for f in ("server.pem", "server.key", "ca.pem"))
        os.makedirs(os.path.join(NGX, "tmp"), exist_ok=True)
        conf = open(os.path.join(ROOT, "bench", "nginx.conf")).read()
        if not self.tls:  # drop the HTTPS server block
            conf = re.sub(r"\n    # The HTTPS variant.*\n    }\n(?=}\s*$)", "\n", conf, flags=re.S)
            conf = re.sub(r"\n    log_format conns[^\n]*\n", "\n", conf)
        user = "user root;" if os.geteuid() == 0 else ""
        conf = (conf.replace("@USER_LINE@", user).replace("@DIR@", NGX).replace("@TLS@", TLS)
                .replace("@HTTP_PORT@", str(self.http_port)).replace("@HTTPS_PORT@", str(self.https_port)))
        self.conf = os.path.join(NGX, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.https_url = f"https://localhost:{self.https_port}" if self.tls else None
        self.access_log = os.path.join(NGX, "tls-access.log")

    def start(self, cpu=None):
        self.stop()
        cmd = ["nginx", "-p", NGX, "-c", self.conf]
        if cpu is not None:
            cmd = ["taskset", "-c", cpu] + cmd
        subprocess.run(cmd, check=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.http_port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start; see " + os.path.join(NGX, "error.log"))

    def pid(self):
        try:
            return int(open(os.path.join(NGX, "nginx.pid")).read())
        except (OSError, ValueError):
            return None

    def reopen_logs(self):
        subprocess.run(["nginx", "-p", NGX, "-c", self.conf, "-s", "reopen"], check=False, capture_output=True)
        time.sleep(0.5)

    def stop(self):
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGQUIT)
            except ProcessLookupError:
                pass
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                    time.sleep(0.05)
                except ProcessLookupError:
                    break


# ---------------------------------------------------------------- clients

rows = {}  # (placement, label) -> list of (ops/s, cpu µs per op)
skipped = {}  # label -> reason
order = []  # labels in first-seen order
crashes = []  # clients that ended abnormally after printing every row


def record(placement, label, ops, wall, cpu):
    if label not in order:
        order.append(label)
    rows.setdefault((placement, label), []).append((ops / wall, cpu / ops * 1e6))


def skip(label, reason):
    if label not in order:
        order.append(label)
    skipped.setdefault(label, reason)


def run_client(placement, name, cmd, env=None, cwd=None, labels=()):
    """Runs one client program; its ROW/SKIP lines are recorded. `labels`: what it would have
    measured, marked SKIPPED if it fails before printing them."""
    cpu = CPUS.get(placement, (None, None))[1]
    if cpu is not None:
        cmd = ["taskset", "-c", cpu] + cmd
    full_env = dict(os.environ, SV_BENCH_N=ENV_N, SV_BENCH_ROUNDS=str(ROUNDS))
    full_env.update(env or {})
    log(f"{placement}: {name}")
    try:
        p = subprocess.run(cmd, env=full_env, cwd=cwd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err, rc = f"timed out after {CLIENT_TIMEOUT} s", -1
    except OSError as e:
        out, err, rc = "", str(e), -1
    seen = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "ROW" and len(parts) == 5:
            record(placement, parts[1], int(parts[2]), float(parts[3]), float(parts[4]))
            seen.add(parts[1])
        elif parts[0] == "SKIP" and len(parts) == 3:
            skip(parts[1], parts[2])
            seen.add(parts[1])
    if rc != 0:
        status = f"killed by {signal.Signals(-rc).name}" if rc < 0 and -rc in signal.valid_signals() else f"exit status {rc}"
        why = (err.strip().splitlines() or [status])[-1][:200]
        if all(label in seen for label in labels):
            # Its rows are complete and kept; the crash is a finding of its own (printed, not hidden).
            what = status if why == status else f"{status}: {why}"
            log(f"{name} printed all its rows, then ended abnormally ({what})")
            crashes.append(f"{name} ({placement}): ended abnormally after printing all its rows ({what})")
            return
        log(f"{name} failed: {why}")
        for label in labels:
            if label not in seen:
                skip(label, f"{name} failed: {why}")


def run_wrk(placement, nginx, conns):
    label = f"wrk c={conns}"
    lua = os.path.join(OUT, "post.lua")
    with open(lua, "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                'wrk.body = \'{"secret":"bench-secret","token":"bench-token"}\'\n')
    cpu = CPUS.get(placement, (None, None))[1]
    threads = 1 if cpu is not None or conns == 1 else 2
    base = ["wrk", f"-t{threads}", f"-c{conns}", "-s", lua, nginx.url + "/siteverify"]
    if cpu is not None:
        base = ["taskset", "-c", cpu] + base
    log(f"{placement}: {label}")
    for i in range(ROUNDS + 1):  # the first second is the warm-up
        # wrk's CPU: the children's rusage grows by exactly this child's once it is waited for.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run(base[:-1] + ["-d1s"] + base[-1:], capture_output=True, text=True, timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if i == 0:
            continue
        m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", p.stdout)
        if not m or "Non-2xx" in p.stdout:
            skip(label, "wrk printed no request count" if not m else "nginx answered non-2xx")
            return
        wall = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
        record(placement, label, int(m.group(1)), wall, cpu)


NEEDS = {
    "java25": [os.environ.get("SV_JAVA_JAR", "/nonexistent.jar"), os.path.join(OUT, "java", "Bench.class")],
    "java17": [os.environ.get("SV_JAVA_JAR", "/nonexistent.jar"), os.path.join(OUT, "java", "Bench.class")],
    "node": [os.path.join(ROOT, "bindings-node", "siteverify.node"), os.path.join(OUT, "node", "node_modules", "undici")],
    "php": [os.path.join(LIB, "libsiteverify.so")],
}


def clients(nginx):
    """(name, cmd, env, cwd, labels) for every client program built."""
    url = nginx.url
    java = os.path.join(OUT, "java")
    jar = os.environ.get("SV_JAVA_JAR", "")
    out = []
    rust = os.path.join(LIB, "siteverify-bench")
    rust_args = [rust, url] + ([nginx.https_url, os.path.join(TLS, "ca.pem")] if nginx.tls else [])
    out.append(("rust", rust_args, {}, None, [
        "rust verify().await, current-thread rt", "rust verify().await, event hook on",
        "rust verify_blocking",
        "rust 64 tasks, multi-thread rt", "rust 64 tasks, current-thread rt"]))
    out.append(("c", [os.path.join(OUT, "c-bench"), url], {}, None,
                ["c sv_client_verify (blocking)", "c sv_client_verify_async, 64 in flight"]))
    out.append(("go", [os.path.join(OUT, "go-bench"), url], {}, None, [
        "go net/http shared Transport, sequential", "go siteverify Verify, sequential",
        "go net/http shared Transport, 64 goroutines", "go siteverify Verify, 64 goroutines"]))
    out.append(("python", [os.path.join(OUT, "venv-py", "bin", "python"), os.path.join(ROOT, "bench", "python", "bench.py"), url],
                {}, None, ["python httpx.Client, sequential", "python siteverify Client.verify, sequential",
                           "python httpx.AsyncClient, 64 tasks", "python siteverify AsyncClient, 64 tasks"]))
    out.append(("node", ["node", os.path.join(ROOT, "bench", "node", "bench.js"), url],
                {"NODE_PATH": os.path.join(OUT, "node", "node_modules"), "SV_BENCH_BINDING": os.path.join(ROOT, "bindings-node")},
                None, ["node undici Agent, sequential", "node siteverify verify, sequential",
                       "node siteverify verifySync, sequential", "node undici Agent, 64 in flight",
                       "node siteverify verify, 64 in flight"]))
    out.append(("php", ["php", "-d", "ffi.enable=1", os.path.join(ROOT, "bench", "php", "bench.php"), url],
                {"SV_BENCH_PHP_SRC": os.path.join(ROOT, "bindings-php", "src"),
                 "SITEVERIFY_LIBRARY_PATH": os.path.join(LIB, "libsiteverify.so"),
                 "SITEVERIFY_HEADER_PATH": os.path.join(ROOT, "include", "siteverify_php.h")},
                None, ["php curl reused handle, sequential", "php siteverify verify, sequential"]))
    for tag, home, extra in (("java25", os.environ.get("SV_JDK_NEW", ""), ["--enable-native-access=ALL-UNNAMED"]),
                             ("java17", os.environ.get("SV_JDK_17", ""), [])):
        labels = [f"{tag} HttpURLConnection, sequential", f"{tag} HttpClient.send, sequential",
                  f"{tag} siteverify verify, sequential", f"{tag} HttpClient.sendAsync, 64 in flight",
                  f"{tag} siteverify verifyAsync, 64 in flight"]
        if not home:
            why = ("not selected (SV_BENCH_CLIENTS)" if not wanted(tag)
                   else f"no JDK for {tag} found (bindings-java/scripts/find-jdk.sh)")
            for label in labels:
                skip(label, why)
            continue
        out.append((tag, [os.path.join(home, "bin", "java")] + extra +
                    [f"-Dsiteverify.library.path={LIB}", "-cp", f"{jar}:{java}", "Bench", url, tag], {}, None, labels))
    return out


# ---------------------------------------------------------------- once: TLS and memory

once = []  # (goal text, figure, mark)


def tls_handshakes(nginx):
    rust = os.path.join(LIB, "siteverify-bench")
    goal = "TLS: N sequential verifications perform one handshake"
    if not nginx.tls:
        once.append((goal, "SKIPPED: no HTTPS server (openssl or nginx's ssl module missing)", "SKIPPED"))
        return
    if not os.access(rust, os.X_OK):
        once.append((goal, "SKIPPED: the Rust bench client did not build", "SKIPPED"))
        return
    # nginx buffers this log (64k, 1 s): lines of the earlier HTTPS rows may still be in that
    # buffer. Renamed, then reopened: they land in the old file, and this sequence in a new one.
    if os.path.exists(nginx.access_log):
        os.replace(nginx.access_log, nginx.access_log + ".old")
    nginx.reopen_logs()
    n = 500
    p = subprocess.run([rust, "--tls-sequence", nginx.https_url, os.path.join(TLS, "ca.pem"), str(n)],
                       capture_output=True, text=True, timeout=120)
    nginx.reopen_logs()
    lines = [line.split() for line in open(nginx.access_log) if line.strip()]
    if p.returncode != 0 or not lines:
        once.append((goal, f"SKIPPED: {(p.stderr.strip().splitlines() or ['no log lines'])[-1][:150]}", "SKIPPED"))
        return
    conns = {line[0] for line in lines}
    protos = sorted({line[2] for line in lines})
    figure = f"{len(lines)} requests for {n} verifications over {len(conns)} connection(s), {'/'.join(protos)}"
    once.append((goal, figure, "PASS" if len(conns) == 1 and len(lines) == n else "FAIL"))


class TurnCounter:
    """A TCP relay between the client and nginx's HTTPS port that counts round trips: a
    client-to-server flight that follows a server-to-client one (or opens the connection) starts
    a new round trip. Segments of one flight do not count twice; only the direction changes do."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.turns = 0
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            last = ["s"]  # per connection: who sent last ("s" so the first client flight counts)
            threading.Thread(target=self._pump, args=(client, server, "c", last), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "s", last), daemon=True).start()

    def _pump(self, src, dst, side, last):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            with self.lock:
                if side == "c" and last[0] == "s":
                    self.turns += 1
                last[0] = side
            try:
                dst.sendall(data)
            except OSError:
                return

    def close(self):
        self.listener.close()


def tls_round_trips(nginx):
    """Round trips per warm verification over HTTPS (HTTP/2), through TurnCounter: the round trips
    of 600 sequential verifications on a fresh client minus those of 100 (the handshake and the
    first request cancel out), over 500."""
    rust = os.path.join(LIB, "siteverify-bench")
    goal = "TLS: a warm verification stays one round trip (HTTP/2)"
    if not nginx.tls or not os.access(rust, os.X_OK):
        once.append((goal, "SKIPPED: no HTTPS server or no Rust bench client", "SKIPPED"))
        return
    counts = {}
    for n in (100, 600):
        relay = TurnCounter(int(nginx.https_url.rsplit(":", 1)[1]))
        try:
            p = subprocess.run([rust, "--tls-sequence", f"https://localhost:{relay.port}",
                                os.path.join(TLS, "ca.pem"), str(n)], capture_output=True, text=True, timeout=120)
            time.sleep(0.2)  # the last flights through the relay
            if p.returncode != 0:
                once.append((goal, f"SKIPPED: {(p.stderr.strip().splitlines() or ['failed'])[-1][:150]}", "SKIPPED"))
                return
            counts[n] = relay.turns
        finally:
            relay.close()
    per = (counts[600] - counts[100]) / 500
    figure = (f"{per:.3f} round trips per warm verification ({counts[100]} for 100 verifications, "
              f"{counts[600]} for 600, each on a fresh client)")
    once.append((goal, figure, mark(per <= 1.05)))


def mock_stats(url, ca):
    """The mock's /__mock/stats (a dict), or None."""
    ctx = ssl.create_default_context(cafile=ca) if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(url + "/__mock/stats", timeout=10, context=ctx) as r:
            return json.load(r)
    except (OSError, ValueError):
        return None


def memory():
    """RSS per pending verification, MEM_COUNT held at once by the mock (`pass:delay=N`), over
    HTTP/2 (the mock's HTTPS, ALPN h2) and HTTP/1.1 (plain: the client offers h2 whenever TLS
    is on, so HTTP/1.1 is measured without TLS). The figure counts only if the mock saw all of
    them pending at once (its `pending_peak`): otherwise the row is INVALID, not FAIL."""
    rust = os.path.join(LIB, "siteverify-bench")
    mock = os.path.join(LIB, "siteverify-mock")
    goal_h2 = f"memory: {MEM_COUNT} pending over HTTP/2 (TLS) cost <= 8 KiB RSS each"
    goal_h1 = f"memory: {MEM_COUNT} pending over HTTP/1.1 (plain; reported beside it)"
    if not (os.access(rust, os.X_OK) and os.access(mock, os.X_OK)):
        for g in (goal_h2, goal_h1):
            once.append((g, "SKIPPED: the Rust bench client or target/release/siteverify-mock is missing", "SKIPPED"))
        return
    # One socket per pending verification over HTTP/1.1, in this client and in the mock.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = MEM_COUNT + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        if hard < want:
            log(f"memory: the file-descriptor limit is {hard}, fewer than {want}: some connections may fail")
    for goal, tls in ((goal_h2, True), (goal_h1, False)):
        ca = os.path.join(OUT, "mock-ca.pem")
        cmd = [mock, "--port", "0"] + (["--tls", "--ca-out", ca] if tls else [])
        m = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        try:
            url = m.stdout.readline().strip()
            log(f"memory: {MEM_COUNT} pending verifications against the mock at {url} ({MEM_DELAY_MS} ms each)")
            p = subprocess.run([rust, "--memory", url, ca if tls else "-", str(MEM_COUNT), str(MEM_DELAY_MS)],
                               capture_output=True, text=True, timeout=MEM_DELAY_MS / 1000 + 180)
            got = [line.split("\t") for line in p.stdout.splitlines() if line.startswith("MEM\t")]
            if p.returncode != 0 or not got:
                once.append((goal, f"SKIPPED: {(p.stderr.strip().splitlines() or ['no MEM line'])[-1][:150]}", "SKIPPED"))
                continue
            _, count, base, peak, accepted = got[0]
            stats = mock_stats(url, ca if tls else None) or {}
            held = stats.get("pending_peak")
            proto = (f"{stats.get('h2_connections', '?')} h2 connection(s)" if tls
                     else f"{stats.get('connections', '?')} connections")
            per = (int(peak) - int(base)) / int(count)
            figure = (f"{per:.1f} KiB RSS per pending verification; {held if held is not None else '?'}/{count} "
                      f"held at once by the mock over {proto}, {accepted} accepted; RSS {base} -> {peak} KiB")
            if held is None or held < int(count):
                mk = "INVALID"
            elif tls:
                mk = mark(per <= 8)
            else:
                mk = "REPORT"
            once.append((goal, figure, mk))
        finally:
            m.terminate()
            m.wait()


# ---------------------------------------------------------------- report

def med(placement, label):
    got = rows.get((placement, label))
    if not got:
        return None
    return statistics.median(r for r, _ in got), statistics.median(c for _, c in got), min(r for r, _ in got), max(r for r, _ in got)


def best(placement, labels, key):
    """The row among `labels` with the highest rate (key='rate') or lowest CPU (key='cpu')."""
    have = [(label, med(placement, label)) for label in labels if med(placement, label)]
    if not have:
        return None, None
    if key == "rate":
        return max(have, key=lambda x: x[1][0])
    return min(have, key=lambda x: x[1][1])


CORE_SEQ = ["rust verify().await, current-thread rt", "rust verify_blocking"]
HOOK_ON = "rust verify().await, event hook on"
CORE_64 = ["rust 64 tasks, multi-thread rt", "rust 64 tasks, current-thread rt"]
# (binding row, best native row of its language)
SEQ_PAIRS = [
    ("c sv_client_verify (blocking)", None),
    ("php siteverify verify, sequential", "php curl reused handle, sequential"),
    ("java25 siteverify verify, sequential", "java25 HttpURLConnection, sequential"),
    ("java17 siteverify verify, sequential", "java17 HttpURLConnection, sequential"),
    ("go siteverify Verify, sequential", "go net/http shared Transport, sequential"),
    ("python siteverify Client.verify, sequential", "python httpx.Client, sequential"),
    ("node siteverify verify, sequential", "node undici Agent, sequential"),
    ("node siteverify verifySync, sequential", "node undici Agent, sequential"),
]
CONC_PAIRS = [
    ("c sv_client_verify_async, 64 in flight", None),
    ("java25 siteverify verifyAsync, 64 in flight", "java25 HttpClient.sendAsync, 64 in flight"),
    ("java17 siteverify verifyAsync, 64 in flight", "java17 HttpClient.sendAsync, 64 in flight"),
    ("go siteverify Verify, 64 goroutines", "go net/http shared Transport, 64 goroutines"),
    ("python siteverify AsyncClient, 64 tasks", "python httpx.AsyncClient, 64 tasks"),
    ("node siteverify verify, 64 in flight", "node undici Agent, 64 in flight"),
]


def mark(ok):
    return "PASS" if ok else "FAIL"


def ahead(placement, b, bm, n):
    """The goal "binding `b` (its medians `bm`) ahead of native client `n`": at least its
    verifications/s at no more CPU per verification."""
    nm = med(placement, n)
    if not nm:
        return (f"{b}: ahead of {n}", why_missing(n), "SKIPPED")
    rr, rc = bm[0] / nm[0], bm[1] / nm[1]
    return (f"{b}: ahead of {n}", f"{rr:.2f}x /s, {rc:.2f}x CPU", mark(rr >= 1.0 and rc <= 1.0))


def deselected(label):
    """Left out on purpose (SV_BENCH_CLIENTS): not printed at all."""
    return skipped.get(label, "").startswith("not selected")


def why_missing(label):
    return f"SKIPPED ({skipped[label]})" if label in skipped else "SKIPPED (no figure)"


def report(placement, desc):
    print()
    print(f"== {placement}: {desc}")
    print(f"  {'path':<52} {'verif/s':>9} {'CPU µs':>8}   rounds' range /s")
    for label in order:
        m = med(placement, label)
        if m:
            print(f"  {label:<52} {m[0]:>9.0f} {m[1]:>8.1f}   {m[2]:.0f}-{m[3]:.0f}")
        elif label in skipped and not deselected(label):
            print(f"  {label:<52} SKIPPED: {skipped[label]}")
    print(f"-- goals ({placement}; ratios within this placement)")
    goals = []
    wrk1, wrk64 = med(placement, "wrk c=1"), med(placement, "wrk c=64")
    seq_label, seq = best(placement, CORE_SEQ, "rate")
    cpu_label, cpu_best = best(placement, CORE_SEQ, "cpu")
    c64_label, c64 = best(placement, CORE_64, "rate")
    if seq and wrk1:
        r = seq[0] / wrk1[0]
        goals.append((f"core sequential >= 0.9x wrk c=1 ({seq_label})", f"{r:.2f}x", mark(r >= 0.9)))
    else:
        goals.append(("core sequential >= 0.9x wrk c=1", "missing: " + ("wrk" if not wrk1 else "core"), "SKIPPED"))
    if c64 and wrk64:
        r = c64[0] / wrk64[0]
        goals.append((f"core 64 in flight >= 0.5x wrk c=64 ({c64_label})", f"{r:.2f}x", mark(r >= 0.5)))
    else:
        goals.append(("core 64 in flight >= 0.5x wrk c=64", "missing: " + ("wrk" if not wrk64 else "core"), "SKIPPED"))
    for b, n in SEQ_PAIRS:
        bm = med(placement, b)
        if deselected(b):
            continue
        if not bm:
            goals.append((f"{b}: sequential goals", why_missing(b), "SKIPPED"))
            continue
        if cpu_best:
            r = bm[1] / cpu_best[1]
            goals.append((f"{b}: CPU <= 1.2x core's best sequential ({cpu_best[1]:.1f} µs)", f"{r:.2f}x", mark(r <= 1.2)))
        if n:
            goals.append(ahead(placement, b, bm, n))
    for b, n in CONC_PAIRS:
        bm = med(placement, b)
        if deselected(b):
            continue
        if not bm:
            goals.append((f"{b}: concurrent goals", why_missing(b), "SKIPPED"))
            continue
        if n:
            goals.append(ahead(placement, b, bm, n))
        if c64:
            r = bm[0] / c64[0]
            goals.append((f"{b}: >= 0.9x the core at 64 in flight", f"{r:.2f}x", mark(r >= 0.9)))
    # Issue 18: the event hook and tracing cost nothing when off; on, the cost is reported.
    off, on = med(placement, CORE_SEQ[0]), med(placement, HOOK_ON)
    if off and on:
        goals.append(("event hook on (a counting hook) vs off, core sequential",
                      f"{on[0] / off[0]:.2f}x /s, {on[1] / off[1]:.2f}x CPU", "REPORT"))
    for g, fig, mk in goals:
        print(f"  [{mk:^7}] {g}: {fig}")
    return goals


def wanted(name):
    """SV_BENCH_CLIENTS (space-separated: wrk rust c go python node php java memory tls) limits
    the run to those; unset, everything runs."""
    only = os.environ.get("SV_BENCH_CLIENTS", "").split()
    return not only or name in only or (name.startswith("java") and "java" in only)


def unavailable(name, cmd):
    """Why the client `name` cannot run (not selected, not built), or None."""
    if not wanted(name):
        return "not selected (SV_BENCH_CLIENTS)"
    build = name[:4] if name.startswith("java") else name
    if f"build:{build}" in skipped:
        return skipped[f"build:{build}"]
    missing = [f for f in NEEDS.get(name, []) + ([cmd[0]] if "/" in cmd[0] else []) if not os.path.exists(f)]
    return f"{missing[0]} was not built" if missing else None


def main():
    skipped.update(skips_from_build())  # "build:<client>" -> why it did not build
    if sys.argv[1:] == ["--profile"]:
        import profiles  # bench/profiles.py: `make bench-profile`

        profiles.main(sys.modules[__name__])
        return
    nginx = Nginx()
    try:
        for placement in PLACEMENTS:
            nginx.start(CPUS.get(placement, (None, None))[0])
            if placement == "pinned":
                log("pinned: nginx on CPU 0, each client (and wrk) on CPU 1")
            elif placement == "one-cpu":
                log("one-cpu: nginx and each client (and wrk) on CPU 1")
            if not wanted("wrk"):
                skip("wrk c=1", "not selected (SV_BENCH_CLIENTS)")
                skip("wrk c=64", "not selected (SV_BENCH_CLIENTS)")
            elif subprocess.run(["which", "wrk"], capture_output=True).returncode == 0:
                run_wrk(placement, nginx, 1)
                run_wrk(placement, nginx, 64)
            else:
                skip("wrk c=1", "wrk is not installed (apt-get install wrk)")
                skip("wrk c=64", "wrk is not installed (apt-get install wrk)")
            for name, cmd, env, cwd, labels in clients(nginx):
                why = unavailable(name, cmd)
                if why:
                    for label in labels:
                        skip(label, why)
                    continue
                run_client(placement, name, cmd, env, cwd, labels)
        if wanted("tls"):
            tls_handshakes(nginx)
            tls_round_trips(nginx)
    finally:
        nginx.stop()
    if wanted("memory"):
        memory()

    print()
    print("siteverify make bench: plain HTTP/1.1 to nginx on loopback answering fixed JSON;")
    print(f"each figure the median of {ROUNDS} rounds of {ENV_N} verifications after a warm-up (wrk: {ROUNDS} rounds of 1 s);")
    print("CPU µs: the client process's user+system time (getrusage/wait4) per verification, not the server's.")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    descs = {"pinned": "nginx pinned to CPU 0, the client to CPU 1 (taskset)",
             "one-cpu": "nginx and the client both pinned to CPU 1 (no cross-CPU wake-ups: the code's own cost)",
             "unpinned": "no affinity: the scheduler places nginx and the client"}
    for placement in PLACEMENTS:
        report(placement, descs.get(placement, placement))
    print()
    print("== once (placement-independent)")
    for g, fig, mk in once:
        print(f"  [{mk:^7}] {g}: {fig}")
    for c in crashes:
        print(f"  [ CRASH ] {c}")


if __name__ == "__main__":
    main()
