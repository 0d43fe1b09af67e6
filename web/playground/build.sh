#!/usr/bin/env bash
# Rebuilds internal/web/dist/playground.{js,css}: GraphiQL, its explorer
# plugin and React from npm (pinned by package.json and package-lock.json),
# and src/playground.js bundled by esbuild, as web/explorer/build.sh does.
# The bundle is committed, so `go run` needs no Node; run this after
# changing src/ or the lock file, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund >/dev/null
npx esbuild src/playground.js --bundle --minify --format=iife --target=es2020 \
  --define:process.env.NODE_ENV='"production"' --legal-comments=eof \
  --outfile=../../internal/web/dist/playground.js
