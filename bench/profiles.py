"""`make bench-profile` (scripts/bench.sh --profile, then `run.py --profile`): where each binding's
sequential path spends its time, against the same zero-logic nginx as `make bench`.

For each path below, the client program runs that row alone (SV_BENCH_ONLY) and brackets its
measured verifications with perf's control fifos (SV_BENCH_PERF_CTL/ACK: `perf ... -D -1
--control fifo:CTL,ACK`), so that start-up, warm-up and exit are left out:

  (a) `perf stat`: task-clock, context switches, CPU migrations, page faults (and instructions
      and cycles when the VM exposes hardware counters) of the client process, all its threads,
      divided by the verifications measured;
  (b) `perf record -g` (cpu-clock sampling): the top symbols by self cost, and the split by
      shared object;
  (c) with valgrind, for the native paths (or for every path when perf cannot sample here):
      callgrind's instruction count per verification, as the difference between a run of
      SV_PROFILE_CG_N1 and one of SV_PROFILE_CG_N2 verifications (start-up cancels out), and
      the top functions of that difference by self instructions.

Each path's profile goes to target/bench/profiles/<path>.txt (perf.data and callgrind.out files
beside it, to open with `perf report -i` or `callgrind_annotate`); a one-screen summary is
printed. When perf is missing or not permitted (perf_event_paranoid), that is said, and what can
still run does. Knobs: SV_PROFILE_N (verifications per perf run, 10000), SV_PROFILE_WARMUP (500;
SV_PROFILE_WARMUP_JIT, 5000, for Java and Node), SV_PROFILE_FREQ (samples/s, 10000), SV_PROFILE_CALLGRIND (1; 0 skips valgrind),
SV_PROFILE_CG_N1/N2 (200/1200), SV_PROFILE_PLACEMENT (unpinned; pinned puts nginx on CPU 0
and the client on CPU 1, one-cpu both on CPU 1), SV_BENCH_CLIENTS (as for make bench). No assertions on timing.
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

# (file name, client program, row label): the sequential path of each binding.
PATHS = [
    ("rust-verify-await", "rust", "rust verify().await, current-thread rt"),
    ("rust-verify-blocking", "rust", "rust verify_blocking"),
    ("c-sv_client_verify", "c", "c sv_client_verify (blocking)"),
    ("go-Verify", "go", "go siteverify Verify, sequential"),
    ("python-Client.verify", "python", "python siteverify Client.verify, sequential"),
    ("php-verify", "php", "php siteverify verify, sequential"),
    ("java25-verify", "java25", "java25 siteverify verify, sequential"),
    ("java17-verify", "java17", "java17 siteverify verify, sequential"),
    ("node-verify", "node", "node siteverify verify, sequential"),
]
# Paths callgrind runs in reasonable time (no JIT, no interpreter) when perf can sample. Not Go:
# valgrind stops on the Go runtime (an internal error), so Go has perf's figures only.
NATIVE = {"rust-verify-await", "rust-verify-blocking", "c-sv_client_verify"}

N = int(os.environ.get("SV_PROFILE_N", "10000"))
WARMUP = int(os.environ.get("SV_PROFILE_WARMUP", "500"))
# The JVM and V8 compile for thousands of calls: a short warm-up would profile their compilers.
WARMUP_JIT = int(os.environ.get("SV_PROFILE_WARMUP_JIT", "5000"))
FREQ = int(os.environ.get("SV_PROFILE_FREQ", "10000"))
CALLGRIND = os.environ.get("SV_PROFILE_CALLGRIND", "1") != "0"
CG_N1 = int(os.environ.get("SV_PROFILE_CG_N1", "200"))
CG_N2 = int(os.environ.get("SV_PROFILE_CG_N2", "1200"))
CG_WARMUP = 50
PLACEMENT = os.environ.get("SV_PROFILE_PLACEMENT", "unpinned")
TOP = 15
TIMEOUT = 300


def log(msg):
    print(f"bench-profile: {msg}", file=sys.stderr, flush=True)


def run_group(cmd, env, timeout, capture=True):
    """Runs cmd in its own process group (perf and the client under it), killing that group on
    timeout. Returns (rc, stdout, stderr); rc None on timeout."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out or "", err or ""
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return None, out or "", (err or "") + f"\ntimed out after {timeout} s"


def last_line(text, default):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else default)[:200]


# ---------------------------------------------------------------- what this machine allows

class Perf:
    """What perf can do here: count (stat), sample (record), hardware counters."""

    def __init__(self):
        self.paranoid = self._read("/proc/sys/kernel/perf_event_paranoid")
        self.stat = self.sample = self.hw = False
        self.note = []
        if not shutil.which("perf"):
            self.note.append("perf is not installed (Debian: apt-get install linux-perf)")
            return
        who = "root" if os.geteuid() == 0 else f"uid {os.geteuid()}"
        r = subprocess.run(["perf", "stat", "-x,", "-e", "task-clock", "true"], capture_output=True, text=True)
        self.stat = r.returncode == 0 and "task-clock" in r.stderr and "<not" not in r.stderr
        if not self.stat:
            self.note.append(f"`perf stat -e task-clock true` fails here (perf_event_paranoid={self.paranoid}, {who}): "
                             f"{last_line(r.stderr, 'no output')}; counting needs paranoid <= 2 for one's own "
                             "processes (sysctl kernel.perf_event_paranoid=2) or root/CAP_PERFMON")
            return
        r = subprocess.run(["perf", "stat", "-x,", "-e", "instructions,cycles", "true"], capture_output=True, text=True)
        self.hw = r.returncode == 0 and "<not supported>" not in r.stderr and "<not counted>" not in r.stderr
        if not self.hw:
            self.note.append("hardware counters (instructions, cycles) are <not supported> in this VM: "
                             "instructions come from valgrind's callgrind instead, where it runs")
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(["perf", "record", "-q", "-F", "1000", "-o", os.path.join(d, "t.data"), "--", "true"],
                               capture_output=True, text=True)
        self.sample = r.returncode == 0
        if not self.sample:
            self.note.append(f"`perf record` fails here (perf_event_paranoid={self.paranoid}, {who}): "
                             f"{last_line(r.stderr, 'no output')}; callgrind profiles every path instead")
        if self.paranoid is not None and self.paranoid > 1 and os.geteuid() != 0:
            self.note.append(f"perf_event_paranoid={self.paranoid}: user space only, kernel time shows as no symbol")

    @staticmethod
    def _read(path):
        try:
            return int(open(path).read().strip())
        except (OSError, ValueError):
            return None

    def events(self):
        ev = "task-clock,context-switches,cpu-migrations,page-faults"
        return ev + (",instructions,cycles" if self.hw else "")


# ---------------------------------------------------------------- one path

def fifo_env(d):
    ctl, ack = os.path.join(d, "ctl"), os.path.join(d, "ack")
    os.mkfifo(ctl)
    os.mkfifo(ack)
    return ctl, ack


def client_env(env, label, n, warmup, extra=None):
    full = dict(os.environ, SV_BENCH_ONLY=label, SV_BENCH_N=str(n), SV_BENCH_ROUNDS="1", SV_BENCH_WARMUP=str(warmup))
    full.update(env or {})
    full.update(extra or {})
    return full


def row_ops(out, label):
    """(verifications, wall s, cpu s) from the client's ROW line, or None."""
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "ROW" and len(parts) == 5 and parts[1] == label:
            return int(parts[2]), float(parts[3]), float(parts[4])
    return None


def perf_stat(perf, cmd, env, label, pin, warmup):
    """{event: value} for the measured verifications, the ROW tuple, or (None, None, why)."""
    with tempfile.TemporaryDirectory() as d:
        ctl, ack = fifo_env(d)
        out_file = os.path.join(d, "stat.csv")
        full = ["perf", "stat", "-x,", "-o", out_file, "-D", "-1", "--control", f"fifo:{ctl},{ack}",
                "-e", perf.events(), "--"] + pin + cmd
        rc, out, err = run_group(full, client_env(env, label, N, warmup,
                                                  {"SV_BENCH_PERF_CTL": ctl, "SV_BENCH_PERF_ACK": ack}), TIMEOUT)
        row = row_ops(out, label)
        if rc != 0 or not row:
            return None, None, f"perf stat run failed ({'timeout' if rc is None else f'exit {rc}'}): {last_line(err, 'no row')}"
        counts = {}
        with open(out_file) as f:
            stat_lines = f.readlines()
        for line in stat_lines:
            f = line.strip().split(",")
            if len(f) >= 3 and not line.startswith("#") and f[2]:
                event = f[2].split(":")[0]
                try:
                    counts[event] = float(f[0])
                except ValueError:
                    counts[event] = None  # <not supported> / <not counted>
        return counts, row, None


def perf_record(cmd, env, label, pin, warmup, data):
    """Records the measured verifications into `data`; None, or why it failed."""
    with tempfile.TemporaryDirectory() as d:
        ctl, ack = fifo_env(d)
        full = ["perf", "record", "-q", "-g", "-F", str(FREQ), "-o", data, "-D", "-1",
                "--control", f"fifo:{ctl},{ack}", "--"] + pin + cmd
        rc, out, err = run_group(full, client_env(env, label, N, warmup,
                                                  {"SV_BENCH_PERF_CTL": ctl, "SV_BENCH_PERF_ACK": ack}), TIMEOUT)
        if rc != 0 or not row_ops(out, label):
            return f"perf record run failed ({'timeout' if rc is None else f'exit {rc}'}): {last_line(err, 'no row')}"
    return None


REPORT_LINE = re.compile(r"^\s+([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*?)\s*$")
# perf report pads its lines and ends them with empty columns ("-  -").
TRAILING = re.compile(r"(\s+-)*\s*$")


def perf_report(data):
    """(samples, [(pct, dso, kind, symbol)] top by self, [(pct, dso)], pids) from perf.data."""
    base = ["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none"]
    r = subprocess.run(base + ["--sort", "dso,symbol"], capture_output=True, text=True)
    m = re.search(r"# Samples: (\S+)", r.stdout)
    samples = m.group(1) if m else "?"
    symbols = []
    for line in r.stdout.splitlines():
        mm = REPORT_LINE.match(TRAILING.sub("", line))
        if mm:
            symbols.append((float(mm.group(1)), mm.group(2), mm.group(3), mm.group(4)))
    dsos = []
    r = subprocess.run(base + ["--sort", "dso"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        mm = re.match(r"^\s+([\d.]+)%\s+(\S.*?)\s*$", TRAILING.sub("", line))
        if mm:
            dsos.append((float(mm.group(1)), mm.group(2)))
    r = subprocess.run(["perf", "script", "-i", data, "-F", "pid"], capture_output=True, text=True)
    pids = {int(p) for p in r.stdout.split() if p.isdigit()}
    return samples, symbols[:TOP], dsos[:8], pids


CG_LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(.+?)\s*$")


def callgrind_functions(out_file):
    """(total Ir, {function: self Ir}, {function: object}) from callgrind_annotate."""
    r = subprocess.run(["callgrind_annotate", "--threshold=100", "--inclusive=no", "--auto=no", out_file],
                       capture_output=True, text=True)
    total, funcs, objs = None, {}, {}
    for line in r.stdout.splitlines():
        m = CG_LINE.match(line)
        if not m:
            continue
        n, name = int(m.group(1).replace(",", "")), m.group(2)
        if name.startswith("PROGRAM TOTALS"):
            total = n
        elif ":" in name:
            # "file:function [object]" (the object only where the file is unknown).
            fn = name.split(":", 1)[1]
            obj = re.search(r"\s\[([^\]]*)\]\s*$", fn)
            if obj:
                fn = fn[:obj.start()].strip()
                objs[fn] = os.path.basename(obj.group(1))
            funcs[fn] = funcs.get(fn, 0) + n
    return total, funcs, objs


def callgrind(cmd, env, label, prefix):
    """(Ir per verification, {"self": [(Ir, function)], "crate": [(Ir, crate or object)]} per
    verification, None), or (None, None, why)."""
    totals, funcs, objs = [], [], {}
    for n in (CG_N1, CG_N2):
        out_file = f"{prefix}.callgrind.{n}.out"
        full = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", "--"] + cmd
        rc, out, err = run_group(full, client_env(env, label, n, CG_WARMUP), TIMEOUT)
        if rc != 0 or not row_ops(out, label):
            for f in glob.glob(f"{prefix}.callgrind.*"):
                os.remove(f)
            status = "timeout" if rc is None else f"exit {rc}"
            return None, None, f"valgrind run of {n} failed ({status}): {last_line(err, 'no row')}"
        total, f, o = callgrind_functions(out_file)
        if total is None:
            return None, None, "callgrind_annotate printed no total"
        totals.append(total)
        funcs.append(f)
        objs.update(o)
    k = CG_N2 - CG_N1
    diff = {fn: (funcs[1].get(fn, 0) - funcs[0].get(fn, 0)) / k for fn in set(funcs[0]) | set(funcs[1])}
    top = sorted(((v, fn + (f"  ({objs[fn]})" if fn in objs else "")) for fn, v in diff.items() if v > 0),
                 reverse=True)[:TOP]
    crates = {}
    for fn, v in diff.items():
        m = re.match(r"[<&\s]*(?:dyn |impl )?([A-Za-z_]\w*)::", fn)
        key = m.group(1) if m else objs.get(fn, "other")
        crates[key] = crates.get(key, 0) + v
    by_crate = sorted(((v, c) for c, v in crates.items() if v > 0), reverse=True)[:TOP]
    return (totals[1] - totals[0]) / k, {"self": top, "crate": by_crate}, None


def profile_cmd(name, cmd):
    """The client command with what makes JIT frames readable to perf (record runs only)."""
    exe = os.path.basename(cmd[0])
    if exe == "node":
        return [cmd[0], "--perf-basic-prof-only-functions", "--interpreted-frames-native-stack"] + cmd[1:]
    if exe == "java":
        return [cmd[0], "-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit", "-XX:+PreserveFramePointer"] + cmd[1:]
    if name == "python":
        r = subprocess.run([cmd[0], "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True)
        if r.stdout.strip() == "True":
            return [cmd[0], "-X", "perf"] + cmd[1:]
    return cmd


def short(symbol):
    """A symbol cut to its last path segments, for the summary line."""
    symbol = re.sub(r"<[^<>]*>", "", re.sub(r"<[^<>]*>", "", symbol.split(" (")[0].strip()))
    return "::".join(symbol.split("::")[-2:])[:34]


def fmt_count(v):
    if v is None:
        return "n/a"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{v / 1e3:.1f}k"
    return f"{v:.2f}" if v < 100 else f"{v:.0f}"


def profile_path(perf, path, name, label, cmd, env, pin, nginx_url):
    """Profiles one path; returns its summary dict and writes profiles/<path>.txt."""
    prof_dir = os.path.join(os.environ["SV_OUT"], "profiles")
    prefix = os.path.join(prof_dir, path)
    warmup = WARMUP_JIT if name.startswith(("java", "node")) else WARMUP
    for old in glob.glob(prefix + ".*"):
        os.remove(old)
    lines = [f"make bench-profile: {label}",
             f"client: {' '.join(cmd)}",
             (f"against nginx at {nginx_url} ({PLACEMENT}); the client process only (all its threads), "
              f"measured verifications only (after {warmup} warm-up; start-up and exit excluded)"), ""]
    s = {"path": path, "label": label}
    if perf.stat:
        log(f"{path}: perf stat, {N} verifications")
        counts, row, why = perf_stat(perf, cmd, env, label, pin, warmup)
        if why:
            lines.append(f"perf stat: FAILED: {why}")
            s["error"] = why
        else:
            n = row[0]
            s["n"] = n
            s["cpu_us"] = counts.get("task-clock", 0) * 1000 / n if counts.get("task-clock") is not None else None
            s["cs"] = counts["context-switches"] / n if counts.get("context-switches") is not None else None
            s["migr"] = counts["cpu-migrations"] / n if counts.get("cpu-migrations") is not None else None
            s["faults"] = counts["page-faults"] / n if counts.get("page-faults") is not None else None
            if perf.hw and counts.get("instructions"):
                s["instr"], s["instr_src"] = counts["instructions"] / n, "perf"
            lines.append(f"perf stat over {n} verifications ({n / row[1]:.0f}/s under perf; the client's own "
                         f"getrusage: {row[2] / n * 1e6:.1f} µs CPU each):")
            for event, v in counts.items():
                per = "n/a (not supported here)" if v is None else f"{v / n * (1000 if event == 'task-clock' else 1):.3f}"
                unit = " µs" if event == "task-clock" else ""
                lines.append(f"  {event:<18} per verification: {per}{unit if v is not None else ''}")
    else:
        lines.append("perf stat: not run: " + "; ".join(perf.note))
        # The client's own getrusage still gives the CPU per verification.
        rc, out, err = run_group(pin + cmd, client_env(env, label, N, warmup), TIMEOUT)
        row = row_ops(out, label)
        if rc == 0 and row:
            s["cpu_us"] = row[2] / row[0] * 1e6
            lines.append(f"the client's getrusage instead: {s['cpu_us']:.1f} µs CPU per verification over {row[0]}")
        else:
            s["error"] = f"the client failed ({'timeout' if rc is None else f'exit {rc}'}): {last_line(err, 'no row')}"
            lines.append(s["error"])
    lines.append("")
    if perf.sample and "error" not in s:
        data = prefix + ".perf.data"
        log(f"{path}: perf record -g, {N} verifications at {FREQ}/s")
        maps_before = set(glob.glob("/tmp/perf-*.map"))
        why = perf_record(profile_cmd(name, cmd), env, label, pin, warmup, data)
        if why:
            lines.append(f"perf record: FAILED: {why}")
        else:
            samples, symbols, dsos, pids = perf_report(data)
            s["kernel"] = sum(pct for pct, dso in dsos if dso == "[kernel.kallsyms]")
            s["dsos"] = [(pct, dso) for pct, dso in dsos if dso != "[kernel.kallsyms]"][:3]
            # Past the allocator and memcpy, which every path shares.
            s["top"] = [x for x in symbols if x[2] != "k" and not x[1].startswith("libc.")][:2]
            lines.append(f"perf record -g -F {FREQ} (cpu-clock), {samples} samples: top {TOP} symbols by self cost")
            for pct, dso, kind, sym in symbols:
                lines.append(f"  {pct:6.2f}%  [{kind}] {sym[:110]}  ({dso})")
            if not perf.hw:
                lines.append("  (cpu-clock sampling without a PMU, as in this VM: kernel time spent with interrupts off is "
                             "charged where they come back on, e.g. finish_task_switch, _raw_spin_unlock_irqrestore: "
                             "read those as the cost of sleeping and waking, i.e. of the context switches above)")
            lines.append("by shared object (self):")
            for pct, dso in dsos:
                lines.append(f"  {pct:6.2f}%  {dso}")
            lines.append(f"call graphs: perf report -i {os.path.relpath(data, os.environ['SV_ROOT'])} (frame pointers: "
                         "chains through code built without them are cut short)")
            # The JIT maps node and java wrote for this run (their pids are in the recording).
            for m in set(glob.glob("/tmp/perf-*.map")) - maps_before:
                if int(re.sub(r"\D", "", os.path.basename(m)) or 0) in pids:
                    os.remove(m)
    elif not perf.sample:
        lines.append("perf record: not run: " + "; ".join(perf.note))
    lines.append("")
    want_cg = CALLGRIND and shutil.which("valgrind") and (path in NATIVE or not perf.sample)
    if want_cg and "error" not in s:
        log(f"{path}: callgrind, {CG_N1} and {CG_N2} verifications")
        per, top, why = callgrind(cmd, env, label, prefix)
        if why:
            lines.append(f"callgrind: FAILED: {why}")
        else:
            if "instr" not in s:
                s["instr"], s["instr_src"] = per, "callgrind"
            if "top" not in s:
                s["top"] = [(v / per * 100, "", ".", fn) for v, fn in top["self"][:2]]
            lines.append(f"callgrind: {per:,.0f} instructions per verification (all threads; the difference between "
                         f"{CG_N2} and {CG_N1} verifications, each after {CG_WARMUP} warm-up)")
            lines.append(f"top {TOP} functions by self instructions per verification:")
            for v, fn in top["self"]:
                lines.append(f"  {v:10,.0f}  {v / per * 100:5.1f}%  {fn[:120]}")
            lines.append("self instructions per verification by Rust crate (the symbol's first path segment), "
                         "or by object outside Rust:")
            for v, crate in top["crate"]:
                lines.append(f"  {v:10,.0f}  {v / per * 100:5.1f}%  {crate}")
            lines.append(f"files: {os.path.relpath(prefix, os.environ['SV_ROOT'])}.callgrind.{{{CG_N1},{CG_N2}}}.out "
                         "(callgrind_annotate)")
    elif CALLGRIND and not shutil.which("valgrind") and (path in NATIVE or not perf.sample):
        lines.append("callgrind: not run: valgrind is not installed (apt-get install valgrind)")
    with open(prefix + ".txt", "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    return s


def main(run):
    """`run` is bench/run.py's module: its Nginx, clients() and unavailable()."""
    prof_dir = os.path.join(os.environ["SV_OUT"], "profiles")
    os.makedirs(prof_dir, exist_ok=True)
    perf = Perf()
    for note in perf.note:
        log(note)
    if not perf.stat and not perf.sample and not (CALLGRIND and shutil.which("valgrind")):
        print("make bench-profile: nothing can run here: " + "; ".join(perf.note or ["no perf, no valgrind"]))
        return
    nginx = run.Nginx()
    summaries, skipped = [], []
    server_cpu, client_cpu = run.CPUS.get(PLACEMENT, (None, None))
    try:
        nginx.start(server_cpu)
        programs = {name: (cmd, env) for name, cmd, env, _cwd, _labels in run.clients(nginx)}
        for path, name, label in PATHS:
            if name not in programs:
                skipped.append((path, "no such client here (no JDK for it?)"))
                continue
            cmd, env = programs[name]
            why = run.unavailable(name, cmd)
            if why:
                skipped.append((path, why))
                continue
            summaries.append(profile_path(perf, path, name, label, cmd, env, ["taskset", "-c", client_cpu] if client_cpu else [],
                                          nginx.url))
    finally:
        nginx.stop()

    print()
    print(f"== make bench-profile: per verification, the client process only (all threads), measured "
          f"verifications only; nginx {PLACEMENT}")
    for note in perf.note:
        print(f"   note: {note}")
    print(f"  {'path':<22} {'CPU µs':>7} {'ctx-sw':>7} {'migr':>6} {'faults':>7} {'instr':>9} {'kernel':>6}   "
          "user space by object (self) | top symbols outside libc")
    for s in summaries:
        if "error" in s:
            print(f"  {s['path']:<22} FAILED: {s['error']}")
            continue
        instr = fmt_count(s.get("instr")) + ("*" if s.get("instr_src") == "callgrind" else "")
        top = ", ".join(f"{pct:.0f}% {short(sym)}" for pct, _dso, _k, sym in s.get("top", []))
        if s.get("dsos"):
            top = ", ".join(f"{pct:.0f}% {dso[:18]}" for pct, dso in s["dsos"]) + " | " + top
        cpu = f"{s['cpu_us']:.1f}" if s.get("cpu_us") is not None else "n/a"
        kernel = f"{s['kernel']:.0f}%" if s.get("kernel") is not None else "n/a"
        print(f"  {s['path']:<22} {cpu:>7} {fmt_count(s.get('cs')):>7} {fmt_count(s.get('migr')):>6} "
              f"{fmt_count(s.get('faults')):>7} {instr:>9} {kernel:>6}   {top}")
    for path, why in skipped:
        print(f"  {path:<22} SKIPPED: {why}")
    if any(s.get("instr_src") == "callgrind" for s in summaries):
        print("  * instructions counted by valgrind's callgrind (hardware counters unavailable or not asked)")
    print(f"  profiles: {os.path.relpath(prof_dir, os.environ['SV_ROOT'])}/<path>.txt")
