/**
 * A private etcd for tests: 127.0.0.1, free ports, a temp data dir. `stop()` / `start()` restart
 * it on the same ports and data dir (for the registry's restart-survival test).
 *
 * The binary comes from $ETCD_BIN or PATH (Debian: `apt-get install etcd-server`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ETCD_INSTALL_HINT =
  'install it with `apt-get install -y etcd-server` (binary /usr/bin/etcd) or set ETCD_BIN to an etcd 3.4+ binary';

/** The etcd binary to use, or undefined when there is none. */
export function findEtcdBinary(): string | undefined {
  const fromEnv = process.env.ETCD_BIN;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    if (!dir) continue;
    const candidate = path.join(dir, 'etcd');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class EtcdServer {
  private proc?: ChildProcess;
  private log = '';

  private constructor(
    readonly bin: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly dataDir: string,
  ) {}

  static async create(bin: string): Promise<EtcdServer> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-test-'));
    const server = new EtcdServer(bin, await freePort(), await freePort(), dataDir);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  async start(): Promise<void> {
    if (this.proc) return;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      '--name',
      'test',
      '--data-dir',
      this.dataDir,
      '--listen-client-urls',
      this.url,
      '--advertise-client-urls',
      this.url,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `test=${peer}`,
      '--log-level',
      'warn',
    ];
    const proc = spawn(this.bin, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' },
    });
    this.proc = proc;
    live.add(proc);
    const keep = (d: Buffer) => (this.log = (this.log + d.toString()).slice(-8_000));
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.once('exit', () => {
      live.delete(proc);
      if (this.proc === proc) this.proc = undefined;
    });
    await this.waitHealthy(15_000);
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the server and deletes its data dir. */
  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.proc) throw new Error(`etcd exited during start-up:\n${this.log}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1_000) });
        const body = (await res.json()) as { health?: string };
        if (body.health === 'true') return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`etcd at ${this.url} not healthy after ${timeoutMs} ms:\n${this.log}`);
  }
}
