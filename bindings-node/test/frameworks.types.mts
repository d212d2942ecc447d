// The same entry points from an ES module (tsc --strict, never run).
import express from 'express'
import Fastify from 'fastify'
import { Client } from 'siteverify'
import siteverify from 'siteverify/express'
import fastifySiteverify from 'siteverify/fastify'

const client = new Client({ provider: 'prosopo', secret: 'from-the-environment' })
express().post('/form', siteverify({ client }), (req, res) => {
  res.json({ reason: req.siteverify?.reason })
})
const fastify = Fastify()
await fastify.register(fastifySiteverify, { client })
fastify.post('/form', { preHandler: fastify.siteverify }, async (request) => ({ reason: request.siteverify?.reason }))
