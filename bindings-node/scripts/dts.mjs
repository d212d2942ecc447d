#!/usr/bin/env node
// Generates index.d.ts with the napi-rs CLI's type-def generator, from the
// type information napi-derive emits while compiling src/*.rs, plus
// dts-header.d.ts.
//
//   node scripts/dts.mjs --write   regenerate index.d.ts (commit the result)
//   node scripts/dts.mjs --check   fail when index.d.ts differs from a fresh generation
//
// `napi build` would do the same, but it always passes `--target <host>`,
// which gives the workspace a second, separate build tree (minutes on a fresh
// clone). This runs the plain `cargo build --release -p siteverify-node`, in
// the shared target dir, and calls the CLI's `generateTypeDef` on the output.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { generateTypeDef, readNapiConfig } from '@napi-rs/cli'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const mode = process.argv[2]
if (mode !== '--write' && mode !== '--check') {
  console.error('usage: node scripts/dts.mjs --write|--check')
  process.exit(2)
}

const typeDefDir = mkdtempSync(join(tmpdir(), 'siteverify-typedef-'))
try {
  const build = spawnSync('cargo', ['build', '--release', '-p', 'siteverify-node'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NAPI_TYPE_DEF_TMP_FOLDER: typeDefDir,
      // napi-build reruns on this variable, so the crate is recompiled and
      // its macros write their type definitions again.
      NAPI_FORCE_BUILD_SITEVERIFY_NODE: String(Date.now()),
    },
  })
  if (build.status !== 0) {
    console.error(`dts: cargo build failed (exit ${build.status})`)
    process.exit(1)
  }
  const config = await readNapiConfig(join(root, 'package.json'))
  const { dts } = await generateTypeDef({
    typeDefDir,
    cwd: root,
    configDtsHeader: config.dtsHeader,
    configDtsHeaderFile: config.dtsHeaderFile,
    constEnum: config.constEnum,
    runtimeStringEnum: config.runtimeStringEnum,
  })
  if (!dts.trim()) {
    console.error('dts: no type definitions were generated')
    process.exit(1)
  }
  const target = join(root, 'index.d.ts')
  if (mode === '--write') {
    writeFileSync(target, dts)
    console.error('dts: wrote index.d.ts')
  } else {
    let committed = ''
    try {
      committed = readFileSync(target, 'utf8')
    } catch {}
    if (committed !== dts) {
      const fresh = join(typeDefDir, 'index.d.ts')
      writeFileSync(fresh, dts)
      spawnSync('diff', ['-u', target, fresh], { stdio: 'inherit' })
      console.error('dts: index.d.ts is out of date; run `make -C bindings-node dts` and commit it')
      process.exit(1)
    }
    console.error('dts: index.d.ts is up to date')
  }
} finally {
  rmSync(typeDefDir, { recursive: true, force: true })
}
