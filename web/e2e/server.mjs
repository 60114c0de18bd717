// Starts the real `accord` binary (ACCORD_BIN) on a free loopback port with its own data
// directory, and stops it.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Cheap password hashing for the debug binary; room for a test's bursts of requests.
const CONFIG = `[auth]
argon2_memory_kib = 64
argon2_iterations = 1
[edge]
auth_attempts_per_minute = 10000
api_requests_per_minute = 100000
messages_per_10_seconds = 10000
`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startServer() {
  const bin = process.env.ACCORD_BIN;
  if (!bin) throw new Error('ACCORD_BIN names the accord binary to test');
  const dir = mkdtempSync(join(tmpdir(), 'accord-e2e-'));
  writeFileSync(join(dir, 'accord.toml'), CONFIG);
  const port = await freePort();
  const child = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dir, '--config', join(dir, 'accord.toml')], {
    env: { ...process.env, ACCORD_LOG: 'warn', ACCORD_VOICE_UDP: `127.0.0.1:${port}` },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
