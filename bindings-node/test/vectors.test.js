'use strict'

// Every case in tests/vectors/, through verify() and verifySync(), against
// the mock provider: the Node mirror of core/tests/vectors.rs.

const assert = require('node:assert/strict')
const { after, before, describe, test } = require('node:test')

const { Client, ConfigurationError, InvalidArgumentError, SiteverifyError } = require('siteverify')
const {
  MOCK_SECRET,
  caseOptions,
  caseToken,
  caseVerifyOptions,
  loadCases,
  mismatches,
  startMock,
} = require('./helpers')

const cases = loadCases()
let mock

before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

const CLASS_BY_CODE = { configuration: ConfigurationError, 'invalid-argument': InvalidArgumentError }

function checkError(c, err) {
  assert.ok(err instanceof SiteverifyError, `${c.name}: want a SiteverifyError, got ${err}`)
  assert.equal(err.code, c.expect_error, `${c.name}: error code`)
  const Class = CLASS_BY_CODE[c.expect_error]
  if (Class) assert.ok(err instanceof Class, `${c.name}: want a ${Class.name}, got ${err.name}`)
  return true
}

function checkOutcome(c, outcome) {
  assert.ok(!('expect_error' in c), `${c.name}: want error ${c.expect_error}, got outcome ${JSON.stringify(outcome)}`)
  const problems = mismatches(c, outcome)
  assert.deepEqual(problems, [], `${c.file}/${c.name} disagrees:\n${problems.join('\n')}`)
}

describe('vectors: config', () => {
  for (const c of cases.filter((c) => 'expect_config_error' in c)) {
    test(`${c.file}/${c.name}`, () => {
      const options = caseOptions(c, mock)
      if (c.expect_config_error === null) {
        assert.ok(new Client(options) instanceof Client)
        return
      }
      assert.throws(
        () => new Client(options),
        (err) => {
          assert.ok(err instanceof SiteverifyError, `want a SiteverifyError, got ${err}`)
          assert.equal(err.code, c.expect_config_error)
          if (err.code === 'configuration') assert.ok(err instanceof ConfigurationError)
          // Messages must never echo the secret.
          assert.ok(!err.message.includes(MOCK_SECRET))
          return true
        },
      )
    })
  }
})

const verifyCases = cases.filter((c) => !('expect_config_error' in c))

describe('vectors: verify (async)', () => {
  for (const c of verifyCases) {
    test(`${c.file}/${c.name}`, async () => {
      const client = new Client(caseOptions(c, mock))
      const token = caseToken(c, 'node-async')
      const options = caseVerifyOptions(c)
      for (let i = 0; i < (c.prior_verifications ?? 0); i++) await client.verify(token, options).catch(() => {})
      if ('expect_error' in c) {
        await assert.rejects(client.verify(token, options), (err) => checkError(c, err))
      } else {
        checkOutcome(c, await client.verify(token, options))
      }
    })
  }
})

describe('vectors: verifySync', () => {
  for (const c of verifyCases) {
    test(`${c.file}/${c.name}`, () => {
      const client = new Client(caseOptions(c, mock))
      const token = caseToken(c, 'node-sync')
      const options = caseVerifyOptions(c)
      for (let i = 0; i < (c.prior_verifications ?? 0); i++) {
        try {
          client.verifySync(token, options)
        } catch {}
      }
      if ('expect_error' in c) {
        assert.throws(() => client.verifySync(token, options), (err) => checkError(c, err))
      } else {
        checkOutcome(c, client.verifySync(token, options))
      }
    })
  }
})
