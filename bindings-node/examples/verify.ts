import { Client, ConfigurationError, type Outcome, type VerifyOptions } from 'siteverify'

function makeClient(): Client {
  try {
    return new Client({
      provider: 'prosopo',
      secret: process.env.PROSOPO_SECRET ?? '',
      region: 'eu',
      scoreThreshold: 0.5, // 0 = human, 1 = bot; a missing score is rejected too
      failMode: 'open', // a confirmed provider outage: let users through, flagged as inconclusive
      timeoutMs: 4000,
    })
  } catch (err) {
    if (err instanceof ConfigurationError) {
      console.error(`captcha is misconfigured (${err.code}): ${err.message}`)
    }
    throw err
  }
}

const client = makeClient()

export async function isHuman(token: string, remoteIp?: string): Promise<boolean> {
  const options: VerifyOptions = { remoteIp, signal: AbortSignal.timeout(8000) }
  const outcome: Outcome = await client.verify(token, options)
  if (!outcome.conclusive) {
    console.warn(`captcha inconclusive (${outcome.reason}); accepted=${outcome.accepted}`)
  }
  return outcome.accepted
}
