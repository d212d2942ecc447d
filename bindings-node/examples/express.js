const express = require('express')
const { Client } = require('siteverify')

// One client for the whole process, built at startup: a bad option fails here,
// not on the first visitor, and its connection pool stays warm.
const captcha = new Client({
  provider: 'gatekeeper',
  secret: process.env.GKCAPTCHA_SECRET_KEY ?? '', // from the environment, never in code; unset: ConfigurationError here
  endpoint: process.env.GKCAPTCHA_VERIFY_URL, // unset: the provider's own URL
  expectedHostnames: ['example.com', 'www.example.com'],
  failMode: 'closed', // provider down: refuse the form ('open': let it through during a confirmed outage)
  timeoutMs: 5000,
})

const app = express()
app.use(express.json())
app.use(express.urlencoded({ extended: false }))

app.post('/submit-form', async (req, res, next) => {
  const { captchaToken, ...formData } = req.body ?? {}
  try {
    const outcome = await captcha.verify(typeof captchaToken === 'string' ? captchaToken : '', {
      remoteIp: req.ip,
    })
    if (!outcome.accepted) {
      // conclusive: the token is bad (403). Inconclusive: nobody could tell (503, try again).
      return res.status(outcome.conclusive ? 403 : 503).json({ error: outcome.reason })
    }
    // Process formData...
    res.json({ success: true, fields: Object.keys(formData).length })
  } catch (err) {
    next(err) // InvalidArgumentError (e.g. a malformed req.ip); a bad token is never an error
  }
})

module.exports = app

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000)
  app.listen(port, () => console.log(`listening on port ${port}`))
}
