// `import` works as well as `require`, and gives the same objects.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import siteverify, {
  AbortError,
  Client,
  ConfigurationError,
  InvalidArgumentError,
  SiteverifyError,
  coreVersion,
  reasonCodes,
} from 'siteverify'

const require = createRequire(import.meta.url)

test('named and default exports are the CommonJS exports', () => {
  const cjs = require('siteverify')
  assert.equal(siteverify, cjs)
  assert.equal(Client, cjs.Client)
  assert.equal(SiteverifyError, cjs.SiteverifyError)
  assert.equal(ConfigurationError, cjs.ConfigurationError)
  assert.equal(InvalidArgumentError, cjs.InvalidArgumentError)
  assert.equal(AbortError, cjs.AbortError)
  assert.equal(reasonCodes, cjs.reasonCodes)
  assert.equal(coreVersion, cjs.coreVersion)
})

test('a client built from ESM verifies locally rejected tokens', async () => {
  const client = new Client({ provider: 'prosopo', secret: 'from-env' })
  const outcome = await client.verify('')
  assert.equal(outcome.reason, 'token-invalid')
  assert.throws(() => new Client({ provider: 'prosopo' }), ConfigurationError)
})
