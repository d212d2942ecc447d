// ESM entry point: the same objects as `require('siteverify')`.
import siteverify from './index.js'

export const {
  Client,
  SiteverifyError,
  ConfigurationError,
  InvalidArgumentError,
  AbortError,
  reasonCodes,
  coreVersion,
} = siteverify
export default siteverify
