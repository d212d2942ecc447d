#!/bin/sh
# `npm pack`, then install the tarball into an empty folder and use it from
# CommonJS, ESM and TypeScript: what a user who receives the tarball does.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cd "$here"
npm pack --silent --pack-destination "$tmp" >"$tmp/pack.out"
tarball="$tmp/$(tail -n 1 "$tmp/pack.out")"
test -f "$tarball" || { echo "pack-check: npm pack produced no tarball" >&2; exit 1; }
files=$(tar -tzf "$tarball")
for f in package/package.json package/index.js package/index.mjs package/index.d.ts package/binding.js \
         package/siteverify.node package/scripts/build.js package/README.md \
         package/integration.js package/express.js package/express.d.ts package/fastify.js package/fastify.d.ts; do
  echo "$files" | grep -qx "$f" || { echo "pack-check: $f missing from the tarball" >&2; exit 1; }
done
if echo "$files" | grep -qE '^package/(src|test|node_modules)/'; then
  echo "pack-check: the tarball carries sources or tests" >&2; exit 1
fi
echo "pack-check: $(basename "$tarball"): $(echo "$files" | wc -l) files, $(du -k "$tarball" | cut -f1) KiB" >&2

mkdir "$tmp/app"
cd "$tmp/app"
printf '{"name":"app","version":"1.0.0","private":true}\n' >package.json
npm install --silent --no-audit --no-fund "$tarball" >&2

node -e '
const { Client, SiteverifyError, ConfigurationError } = require("siteverify")
const outcome = new Client({ provider: "gatekeeper", secret: "x" }).verifySync("")
if (outcome.reason !== "token-invalid") throw new Error("unexpected outcome " + JSON.stringify(outcome))
try { new Client({ provider: "nope", secret: "x" }); throw new Error("no error") } catch (e) {
  if (!(e instanceof ConfigurationError && e instanceof SiteverifyError)) throw e
}
console.error("pack-check: require(\"siteverify\") works")
'
node --input-type=module -e '
import { Client, InvalidArgumentError } from "siteverify"
const client = new Client({ provider: "prosopo", secret: "x" })
const outcome = await client.verify("")
if (outcome.reason !== "token-invalid") throw new Error("unexpected outcome")
await client.verify(42).then(() => { throw new Error("no error") }, (e) => { if (!(e instanceof InvalidArgumentError)) throw e })
console.error("pack-check: import { Client } from \"siteverify\" works")
'
node -e 'require("siteverify/express"); require("siteverify/fastify")' # no framework installed here
echo "pack-check: siteverify/express and siteverify/fastify load without their frameworks" >&2
cp "$here/examples/verify.ts" .
"$here/node_modules/.bin/tsc" --strict --noEmit --module nodenext --moduleResolution nodenext --target es2022 \
  --types node --typeRoots "$here/node_modules/@types" verify.ts
echo "pack-check: the TypeScript example compiles against the installed package" >&2
