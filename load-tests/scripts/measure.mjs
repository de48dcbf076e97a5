// What the Node.js drivers of load-tests/scripts share: the `ws` package, their --flags, the CPU
// and WAL readings, and percentiles.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The `ws` package of baselines/node-relay (`npm ci` there first). */
export const WebSocket = createRequire(path.join(here, '../baselines/node-relay/'))('ws');

/** `--name value` pairs of the command line. */
export function flags(argv = process.argv.slice(2)) {
  return Object.fromEntries(argv.reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
}

/**
 * CPU seconds (user + system) of the server process (or processes: pids joined by commas, as two
 * clustered nodes) and of all `postgres` processes, from /proc.
 */
export function cpuSeconds(pid) {
  const ticks = file => {
    try {
      const stat = fs.readFileSync(file, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0; // the process is gone
    }
  };
  let postgres = 0;
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try { if (fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres') postgres += ticks(`/proc/${p}/stat`); } catch { /* gone */ }
  }
  const server = String(pid).split(',').reduce((sum, one) => sum + ticks(`/proc/${one.trim()}/stat`), 0);
  return { server: server / 100, postgres: postgres / 100 };
}

/**
 * WAL records, WAL bytes and WAL flushes (fsyncs: the durable commits, grouped) so far, and the
 * transactions committed (read-only ones included), of the PostgreSQL on localhost:{@code pgport}
 * (psql on the PATH); null without a port.
 */
export function walAndTransactions(pgport) {
  if (!pgport) return null;
  const out = execFileSync('psql', ['-h', 'localhost', '-p', String(pgport), '-U', 'postgres', '-Atc',
    'SELECT w.wal_records, w.wal_bytes, w.wal_sync, (SELECT sum(xact_commit) FROM pg_stat_database) FROM pg_stat_wal w', 'postgres'],
  { encoding: 'utf8' });
  const [records, bytes, flushes, transactions] = out.trim().split('|').map(Number);
  return { records, bytes, flushes, transactions };
}

/** The p-quantile (0 to 1) of values, to a tenth; null for none. */
export function pct(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10;
}
