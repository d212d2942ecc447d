// `make demo`: verifies one token against the mock provider at
// $SITEVERIFY_DEMO_URL and prints the outcome as one line of JSON, with the
// core's snake_case field names (the Outcome object's camelCase names mapped back).
const { Client } = require('siteverify')

const base = process.env.SITEVERIFY_DEMO_URL
if (!base) {
  console.error('demo: set SITEVERIFY_DEMO_URL to the mock base URL')
  process.exit(2)
}

const client = new Client({
  provider: 'gatekeeper',
  endpoint: `${base}/api/v1/token/verify`,
  secret: 'mock-secret', // the mock's test secret
  expectedHostnames: ['example.com'],
})

client.verify('pass:score=0.2').then(
  (outcome) => {
    const snake = (/** @type {string} */ name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    console.log(JSON.stringify(Object.fromEntries(Object.entries(outcome).map(([k, v]) => [snake(k), v]))))
  },
  (err) => {
    console.error(`demo: ${err.name} (${err.code}): ${err.message}`)
    process.exit(1)
  },
)
