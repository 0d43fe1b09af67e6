#!/usr/bin/env bash
# Rebuilds internal/web/dist/explorer.js: cytoscape from npm (pinned by
# package-lock.json) and src/explorer.js bundled by esbuild into one file.
# The bundle is committed, so `go run` needs no Node; run this after
# changing src/ or the lock file, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund >/dev/null
npx esbuild src/explorer.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=eof --outfile=../../internal/web/dist/explorer.js
