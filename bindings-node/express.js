'use strict'

// siteverify/express: a middleware that verifies the CAPTCHA token of a form
// or JSON request before the route handler runs. Express is a peer
// dependency, loaded only when the middleware has a body to parse itself.

const { TOKEN_FIELDS, checkOptions, clientIp, statusOf, tokenFrom, verifyOptions } = require('./integration.js')


let parsers
/** Express's own body parsers, with their defaults (100 kB), made once. */
function bodyParsers() {
  if (!parsers) {
    const express = require('express')
    parsers = [express.urlencoded({ extended: false }), express.json()]
  }
  return parsers
}

function mediaType(req) {
  const header = req.headers['content-type']
  return typeof header === 'string' ? header.split(';')[0].trim().toLowerCase() : ''
}

/**
 * Whether a body parser already read the request: body-parser 2 (Express 5)
 * and multer read the stream to its end; body-parser 1 (Express 4) also sets
 * `req._body`. A platform that hands over a parsed body (`req.body` with
 * fields) counts too.
 */
function bodyParsed(req) {
  if (req._body === true || req.readableEnded) return true
  const body = req.body
  return body !== null && typeof body === 'object' && Object.keys(body).length > 0
}

/**
 * Makes sure `req.body` holds the parsed form or JSON body. A body that an
 * earlier middleware parsed (express.json(), express.urlencoded(), multer) is
 * used as it is; an unparsed urlencoded or JSON body is parsed here with
 * Express's own parsers, so `req.body` is what the handler would have seen
 * after them (and parsers later in the chain skip the consumed stream). An
 * unparsed multipart body is a setup error: multer must run first.
 */
function parseBody(req, res, done) {
  if (bodyParsed(req)) return done()
  const type = mediaType(req)
  if (type === 'multipart/form-data') {
    const error = new Error(
      'siteverify/express: a multipart/form-data body was not parsed: put multer (for example `multer().none()` ' +
        'or your upload middleware) before siteverify() on this route',
    )
    error.status = 500
    error.expose = false
    return done(error)
  }
  // The types express.urlencoded() and express.json() parse by default.
  if (type === 'application/x-www-form-urlencoded') return bodyParsers()[0](req, res, done)
  if (type === 'application/json') return bodyParsers()[1](req, res, done)
  done()
}

/**
 * The Express middleware: verifies the token in the request body and sets
 * `req.siteverify` to the Outcome. Accepted: `next()`. Not accepted: 403
 * (rejected) or 503 (inconclusive) with `{ "error": reason }`, or `onReject`.
 *
 * @param {import('./express').SiteverifyOptions} options
 * @returns {import('express').RequestHandler}
 */
function siteverify(options) {
  const { client, field, trustProxy, onReject } = checkOptions(options, 'siteverify/express')

  return function siteverifyMiddleware(req, res, next) {
    parseBody(req, res, (parseError) => {
      if (parseError) return next(parseError)
      const token = tokenFrom(req.body, field)
      const ip = clientIp(trustProxy, req.socket && req.socket.remoteAddress, req.ip, req.headers)
      client.verify(token, verifyOptions(ip)).then(
        (outcome) => {
          req.siteverify = outcome
          if (outcome.accepted) return next()
          if (onReject) {
            try {
              const result = onReject(req, res, next)
              if (result && typeof result.then === 'function') result.then(undefined, next)
            } catch (err) {
              next(err)
            }
            return
          }
          res.status(statusOf(outcome)).json({ error: outcome.reason })
        },
        (err) => next(err),
      )
    })
  }
}

module.exports = siteverify
module.exports.siteverify = siteverify
module.exports.default = siteverify
module.exports.TOKEN_FIELDS = TOKEN_FIELDS
