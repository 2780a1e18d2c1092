// Headless Chromium as this machine runs it (Debian's, never a downloaded
// one), with the flags that keep it off the closed network; shared by the
// end-to-end tests and benches/page.mjs.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function check() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
}

/** `extraArgs`: more flags (e.g. the memory test's `--enable-precise-memory-info`). */
export async function launch(extraArgs = []) {
  check();
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
}

/** A browser context with a profile of its own in `dir` (not off the record: what installability asks). */
export async function launchPersistent(dir, options = {}) {
  check();
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: ARGS, ...options });
}
