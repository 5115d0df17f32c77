// Extra servers for specs that need their own deployment: a fresh database, another API
// prefix, or a dist copied and changed (config.json, base path). Each is the real
// eventual-server binary the suite runs (E2E_SERVER_BIN / E2E_DIST from `cargo xtask test`).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
export const SERVER_BIN = process.env.E2E_SERVER_BIN || path.join(ROOT, 'target/debug/eventual-server');
export const DIST = process.env.E2E_DIST || path.join(ROOT, 'dist');

export interface Server {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  stop(): Promise<void>;
}

/** Starts eventual-server on a free port with `flags` (a fresh in-memory database by default). */
export async function startServer(flags: string[]): Promise<Server> {
  const child: ChildProcess = spawn(SERVER_BIN, ['--host', '127.0.0.1', '--port', '0', '--db', ':memory:', ...flags], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (code) => reject(new Error(`eventual-server exited (${code}) before it was ready`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A temporary directory, removed by the returned function. */
export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `eventual-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Copies the built app into `dir/<sub>` deployed under `/<sub>/` (its `<base>` and asset
 * paths moved there), with `config` as its config.json.
 */
export function deployDist(dir: string, sub: string, config: object): string {
  const target = sub ? path.join(dir, sub) : dir;
  cpSync(DIST, target, { recursive: true });
  if (sub) {
    const index = path.join(target, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replaceAll('="/', `="/${sub}/`));
  }
  writeFileSync(path.join(target, 'config.json'), JSON.stringify(config));
  return target;
}
