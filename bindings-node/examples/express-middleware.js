const express = require('express')
const { Client } = require('siteverify')
const siteverify = require('siteverify/express')

const captcha = new Client({
  provider: 'prosopo',
  secret: process.env.PROSOPO_SECRET_KEY ?? '', // from the environment, never in code
  endpoint: process.env.PROSOPO_VERIFY_URL, // unset: the provider's own URL
})

const app = express()
app.use(express.urlencoded({ extended: false })) // optional: siteverify parses urlencoded and JSON bodies itself

// The token is read from `procaptcha-response`, the Prosopo widget's field.
// Rejected: 403 {"error": reason}; provider down (fail-closed): 503.
app.post('/signup', siteverify({ client: captcha }), (req, res) => {
  res.json({ welcome: req.body.name, reason: req.siteverify?.reason })
})

module.exports = app
