'use strict'
// make bench's Node client: undici's pooled Agent (the best native client) beside siteverify's
// verify (promises) and verifySync, sequential and 64 in flight, against the zero-logic nginx.
// Usage: node bench.js <base-url>; NODE_PATH holds undici (scripts/bench.sh installs it under
// target/bench/node); SV_BENCH_BINDING is the bindings-node folder. SV_BENCH_N,
// SV_BENCH_ROUNDS, SV_BENCH_WARMUP, SV_BENCH_ONLY (one row alone). Prints
// `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>` per round (cpu: process.cpuUsage(), the whole
// process's user + system time). No timing assertions.

const fs = require('node:fs')
const { Agent, request } = require('undici')
const { Client } = require(process.env.SV_BENCH_BINDING)

const TOKEN = 'bench-token'
const N = Number(process.env.SV_BENCH_N || 2000)
const ROUNDS = Number(process.env.SV_BENCH_ROUNDS || 5)
const WARMUP = Number(process.env.SV_BENCH_WARMUP || 500)

function fail(label) {
  console.error(`bench (node): ${label}: a verification was not accepted`)
  process.exit(1)
}

// make bench-profile: SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK are perf's --control fifos;
// 'enable'/'disable' bracket the measured rounds, each waiting for perf's ack.
function perfControl(command) {
  const { SV_BENCH_PERF_CTL: ctl, SV_BENCH_PERF_ACK: ack } = process.env
  if (!ctl || !ack) return
  fs.writeFileSync(ctl, `${command}\n`)
  const fd = fs.openSync(ack, 'r')
  fs.readSync(fd, Buffer.alloc(16))
  fs.closeSync(fd)
}

async function measure(label, op, width) {
  // SV_BENCH_ONLY=<label>: every other row is left out.
  if (process.env.SV_BENCH_ONLY && process.env.SV_BENCH_ONLY !== label) return
  const run = async (k) => {
    let left = k
    const worker = async () => {
      while (left > 0) {
        left--
        if (!(await op())) fail(label)
      }
    }
    await Promise.all(Array.from({ length: width }, worker))
  }
  await run(WARMUP)
  perfControl('enable')
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    await run(N)
    const wall = Number(process.hrtime.bigint() - t0) / 1e9
    const c = process.cpuUsage(c0)
    console.log(`ROW\t${label}\t${N}\t${wall.toFixed(6)}\t${((c.user + c.system) / 1e6).toFixed(6)}`)
  }
  perfControl('disable')
}

async function main() {
  const url = `${process.argv[2]}/siteverify`
  const body = JSON.stringify({ secret: 'bench-secret', token: TOKEN })
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 60_000 })
  const native = async () => {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      dispatcher: agent,
    })
    const v = await res.body.json()
    return res.statusCode === 200 && v.verified === true
  }
  const client = new Client({ provider: 'prosopo', secret: 'bench-secret', endpoint: url })
  const sv = async () => (await client.verify(TOKEN)).accepted
  const svSync = async () => client.verifySync(TOKEN).accepted

  await measure('node undici Agent, sequential', native, 1)
  await measure('node siteverify verify, sequential', sv, 1)
  await measure('node siteverify verifySync, sequential', svSync, 1)
  await measure('node undici Agent, 64 in flight', native, 64)
  await measure('node siteverify verify, 64 in flight', sv, 64)
  await agent.close()
}

main().catch((e) => {
  console.error('bench (node):', e)
  process.exit(1)
})
