'use strict'

// Shared test helpers: the mock provider and the shared vectors.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')

const ROOT = path.join(__dirname, '..')
const MOCK_BIN = process.env.SITEVERIFY_MOCK_BIN || path.join(ROOT, '..', 'target', 'release', 'siteverify-mock')
const VECTORS = path.join(ROOT, '..', 'tests', 'vectors')
const MOCK_SECRET = 'mock-secret'
// The mock's default path per provider (tests/vectors/README.md; siteverify_mock::path_for).
const PATHS = Object.freeze({
  prosopo: '/siteverify',
  gatekeeper: '/api/v1/token/verify',
  turnstile: '/turnstile/v0/siteverify',
  hcaptcha: '/hcaptcha/siteverify',
  recaptcha: '/recaptcha/api/siteverify',
  'recaptcha-enterprise': '/v1/projects/siteverify-mock/assessments',
  friendly: '/api/v2/captcha/siteverify',
  yandex: '/validate',
})

/** Starts the mock on a free port; resolves { url, stop }. */
async function startMock() {
  if (!fs.existsSync(MOCK_BIN)) {
    throw new Error(`mock binary not found at ${MOCK_BIN}: run \`cargo build --release -p siteverify-mock\` or set SITEVERIFY_MOCK_BIN`)
  }
  const child = spawn(MOCK_BIN, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
  }
  process.once('exit', stop)
  const url = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`mock exited before printing its URL (exit ${code})`)))
    lines.once('line', (line) => {
      lines.close()
      child.stdout.resume()
      resolve(line.trim())
    })
  })
  child.removeAllListeners('exit')
  const endpoint = (provider) => {
    if (!Object.prototype.hasOwnProperty.call(PATHS, provider)) throw new Error(`no default mock path for provider ${provider}`)
    return url + PATHS[provider]
  }
  return { url, stop, endpoint }
}

/** snake_case to camelCase: the one renaming rule of the Node API. */
function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
}

/** Every case of tests/vectors/*.json, files in name order. */
function loadCases() {
  const files = fs.readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort()
  const cases = []
  for (const file of files) {
    const doc = JSON.parse(fs.readFileSync(path.join(VECTORS, file), 'utf8'))
    for (const raw of doc.cases) cases.push({ file, ...raw })
  }
  if (cases.length <= 50) throw new Error('vectors missing')
  return cases
}

/** The core's outcome field names, as tests/vectors/README.md lists them. */
function coreOutcomeFields() {
  const readme = fs.readFileSync(path.join(VECTORS, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('Outcome fields'))
  const list = section.slice(section.indexOf(':'), section.indexOf('. Bindings'))
  return [...list.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])
}

let uniq = 0

/** The token of a case, with `{uniq}` replaced by a value unique to this run. */
function caseToken(c, run) {
  if (typeof c.token === 'string') return c.token.replaceAll('{uniq}', `${run}-${process.pid}-${uniq++}`)
  if (c.token && typeof c.token === 'object') return c.token.repeat.repeat(c.token.count)
  return undefined
}

/** Client options of a case, mirroring core/tests/common/mod.rs. */
function caseOptions(c, mock) {
  const cfg = c.config ?? {}
  const options = { provider: c.provider, secret: 'secret' in cfg ? cfg.secret : MOCK_SECRET }
  for (const [key, value] of Object.entries(cfg)) {
    if (key === 'secret') continue
    options[camel(key)] = key === 'endpoint' ? value.replaceAll('{mock}', mock.url) : value
  }
  // An unknown provider name gets no endpoint: the core refuses the name itself.
  const known = Object.prototype.hasOwnProperty.call(PATHS, c.provider)
  if (!('endpoint' in cfg) && !('region' in cfg) && known) options.endpoint = mock.endpoint(c.provider)
  return options
}

/** Per-call options of a case. */
function caseVerifyOptions(c) {
  return Object.fromEntries(Object.entries(c.options ?? {}).map(([k, v]) => [camel(k), v]))
}

/** The listed outcome fields that disagree (score within 1e-9). */
function mismatches(c, outcome) {
  const problems = []
  for (const [key, want] of Object.entries(c.expect)) {
    const name = camel(key)
    if (!(name in outcome)) {
      problems.push(`unknown outcome field ${key} (${name})`)
      continue
    }
    const have = outcome[name]
    const same =
      typeof want === 'number' && typeof have === 'number'
        ? Math.abs(want - have) < 1e-9
        : JSON.stringify(want) === JSON.stringify(have)
    if (!same) problems.push(`${key}: want ${JSON.stringify(want)}, got ${JSON.stringify(have)}`)
  }
  return problems
}

module.exports = {
  MOCK_SECRET,
  PATHS,
  camel,
  caseOptions,
  caseToken,
  caseVerifyOptions,
  coreOutcomeFields,
  loadCases,
  mismatches,
  startMock,
}
