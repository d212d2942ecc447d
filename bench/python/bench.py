"""make bench's Python client: httpx (the best native client, pooled) beside siteverify's
Client.verify and AsyncClient, sequential and 64 in flight, against the zero-logic nginx.

Usage: bench.py <base-url>; SV_BENCH_N, SV_BENCH_ROUNDS, SV_BENCH_WARMUP, SV_BENCH_ONLY (one
row alone). Prints `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>` per round (cpu: this process's
user + system time, resource.getrusage). No timing assertions.
"""

import asyncio
import json
import os
import resource
import sys
import time

import httpx
import siteverify

TOKEN = "bench-token"
N = int(os.environ.get("SV_BENCH_N", "2000"))
ROUNDS = int(os.environ.get("SV_BENCH_ROUNDS", "5"))
WARMUP = int(os.environ.get("SV_BENCH_WARMUP", "500"))


def cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def report(label: str, n: int, wall: float, used: float) -> None:
    print(f"ROW\t{label}\t{n}\t{wall:.6f}\t{used:.6f}", flush=True)


def fail(label: str) -> None:
    sys.exit(f"bench (python): {label}: a verification was not accepted")


def selected(label: str) -> bool:
    """SV_BENCH_ONLY=<label> leaves every other row out."""
    return os.environ.get("SV_BENCH_ONLY", label) == label


def perf_control(command: str) -> None:
    """make bench-profile: SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK are perf's --control fifos;
    "enable"/"disable" bracket the measured rounds, each waiting for perf's ack."""
    ctl, ack = os.environ.get("SV_BENCH_PERF_CTL"), os.environ.get("SV_BENCH_PERF_ACK")
    if ctl and ack:
        with open(ctl, "w") as f:
            f.write(command + "\n")
        with open(ack) as f:
            f.readline()


def measure(label, run) -> None:
    if not selected(label):
        return
    run(WARMUP)
    perf_control("enable")
    for _ in range(ROUNDS):
        c0, t0 = cpu(), time.perf_counter()
        run(N)
        report(label, N, time.perf_counter() - t0, cpu() - c0)
    perf_control("disable")


def measure_async(label, op, width: int) -> None:
    if not selected(label):
        return

    async def run(k: int) -> None:
        left = [k]

        async def worker() -> None:
            while left[0] > 0:
                left[0] -= 1
                if not await op():
                    fail(label)

        await asyncio.gather(*(worker() for _ in range(width)))

    async def main() -> None:
        await run(WARMUP)
        perf_control("enable")
        for _ in range(ROUNDS):
            c0, t0 = cpu(), time.perf_counter()
            await run(N)
            report(label, N, time.perf_counter() - t0, cpu() - c0)
        perf_control("disable")

    asyncio.run(main())


def main() -> None:
    url = sys.argv[1] + "/siteverify"
    body = json.dumps({"secret": "bench-secret", "token": TOKEN}).encode()
    headers = {"content-type": "application/json"}

    with httpx.Client() as hc:

        def native(k: int) -> None:
            for _ in range(k):
                r = hc.post(url, content=body, headers=headers)
                if r.status_code != 200 or not r.json().get("verified"):
                    fail("httpx")

        measure("python httpx.Client, sequential", native)

    client = siteverify.Client(provider="prosopo", secret="bench-secret", endpoint=url)

    def sv(k: int) -> None:
        for _ in range(k):
            if not client.verify(TOKEN).accepted:
                fail("siteverify Client.verify")

    measure("python siteverify Client.verify, sequential", sv)

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    holder = {}

    async def native_async() -> bool:
        if "c" not in holder:
            holder["c"] = httpx.AsyncClient(limits=limits)
        r = await holder["c"].post(url, content=body, headers=headers)
        return r.status_code == 200 and bool(r.json().get("verified"))

    measure_async("python httpx.AsyncClient, 64 tasks", native_async, 64)

    aclient = siteverify.AsyncClient(provider="prosopo", secret="bench-secret", endpoint=url)

    async def sv_async() -> bool:
        return (await aclient.verify(TOKEN)).accepted

    measure_async("python siteverify AsyncClient, 64 tasks", sv_async, 64)


if __name__ == "__main__":
    main()
