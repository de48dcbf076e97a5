// Draws soak.sh's CSV files as one HTML page of line charts (inline SVG, no packages) and prints the
// summary the soak is judged by: heap and RSS after warm-up, open files, p99 drift, errors.
//
//   node soak-chart.mjs <resources.csv> <load.csv> <ERROR lines in the server logs> <out.html>
import fs from 'node:fs';

const [resourcesFile, loadFile, errorLines, outFile] = process.argv.slice(2);
const read = file => {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map(line => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
};
const resources = read(resourcesFile);
const samples = resources.filter(r => r.server_pid !== 'restart' && r.rss_mib !== '');
const restarts = resources.filter(r => r.server_pid === 'restart').map(r => Number(r.seconds));
const load = read(loadFile);

function chart(title, rows, series, unit) {
  const w = 900, h = 220, pad = 40;
  const xs = rows.map(r => Number(r.seconds));
  const maxX = Math.max(1, ...xs);
  const values = series.flatMap(s => rows.map(r => Number(r[s]))).filter(Number.isFinite);
  const maxY = Math.max(1, ...values) * 1.1;
  const x = v => pad + (v / maxX) * (w - 2 * pad);
  const y = v => h - pad + -(v / maxY) * (h - 2 * pad);
  const colours = ['#0b6e6e', '#c0392b', '#7d5ba6', '#d68910'];
  const lines = series.map((s, i) => {
    const points = rows.filter(r => Number.isFinite(Number(r[s])) && r[s] !== '').map(r => `${x(Number(r.seconds)).toFixed(1)},${y(Number(r[s])).toFixed(1)}`);
    return `<polyline fill="none" stroke="${colours[i]}" stroke-width="1.5" points="${points.join(' ')}"/>`
      + `<text x="${w - pad - 150}" y="${16 + 14 * i}" fill="${colours[i]}" font-size="12">${s}</text>`;
  }).join('');
  const marks = restarts.map(t => `<line x1="${x(t)}" x2="${x(t)}" y1="${pad / 2}" y2="${h - pad}" stroke="#999" stroke-dasharray="4"/>`
    + `<text x="${x(t) + 4}" y="${pad}" font-size="11" fill="#666">restart</text>`).join('');
  return `<h2>${title}</h2><svg width="${w}" height="${h}" style="background:#fff;border:1px solid #ddd">`
    + `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#333"/><line x1="${pad}" y1="${pad / 2}" x2="${pad}" y2="${h - pad}" stroke="#333"/>`
    + `<text x="4" y="${pad / 2 + 4}" font-size="11">${Math.round(maxY)} ${unit}</text><text x="${w - pad - 30}" y="${h - pad + 16}" font-size="11">${maxX} s</text>`
    + marks + lines + '</svg>';
}

// Judged after warm-up (the first quarter) and apart from the restart: the second quarter against the last.
const quarter = rows => {
  const n = rows.length;
  return { second: rows.slice(Math.floor(n / 4), Math.floor(n / 2)), last: rows.slice(Math.floor((3 * n) / 4)) };
};
const median = (rows, key) => {
  const v = rows.map(r => Number(r[key])).filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
};
const change = (rows, key) => {
  const q = quarter(rows);
  const a = median(q.second, key), b = median(q.last, key);
  return { a, b, pct: ((b - a) / a) * 100 };
};
const fmt = c => `${c.a} -> ${c.b} (${c.pct >= 0 ? '+' : ''}${c.pct.toFixed(1)} %)`;
const afterRestart = restarts.length ? samples.filter(r => Number(r.seconds) > restarts[0]) : samples;
const totals = load.reduce((t, r) => ({
  acks: t.acks + Number(r.acks), errors: t.errors + Number(r.send_errors), consultations: t.consultations + Number(r.consultations),
  failures: t.failures + Number(r.consultation_failures), reconnects: t.reconnects + Number(r.reconnects),
}), { acks: 0, errors: 0, consultations: 0, failures: 0, reconnects: 0 });
const summary = [
  `duration ${samples.length ? samples[samples.length - 1].seconds : 0} s, restarts at ${restarts.join(', ') || 'none'} s`,
  `chat: ${totals.acks} acknowledged, ${totals.errors} send errors; consultations: ${totals.consultations} completed, ${totals.failures} failed; reconnects ${totals.reconnects}`,
  `heap used after warm-up (MiB, median of the 2nd quarter -> the last, after the restart): ${fmt(change(afterRestart, 'heap_used_mib'))}`,
  `RSS (MiB): ${fmt(change(afterRestart, 'rss_mib'))}`,
  `open files: ${fmt(change(afterRestart, 'open_files'))}; threads: ${fmt(change(afterRestart, 'threads'))}`,
  `PostgreSQL RSS (MiB): ${fmt(change(afterRestart, 'postgres_rss_mib'))}`,
  `chat ack p99 (ms): ${fmt(change(load, 'p99_ms'))}; p50 ${fmt(change(load, 'p50_ms'))}`,
  `ERROR lines in the server logs: ${errorLines}`,
];
fs.writeFileSync(outFile, `<!doctype html><meta charset="utf-8"><title>Tandem soak</title><body style="font-family:sans-serif;background:#f4f6f6">`
  + `<h1>Tandem soak</h1><pre>${summary.join('\n')}</pre>`
  + chart('Server memory', samples, ['rss_mib', 'heap_used_mib', 'postgres_rss_mib'], 'MiB')
  + chart('Server open files and threads', samples, ['open_files', 'threads'], '')
  + chart('Chat acknowledgement latency', load, ['p50_ms', 'p99_ms'], 'ms')
  + chart('Load per 30 s', load, ['acks', 'consultations', 'reconnects', 'send_errors'], '')
  + '</body>');
console.log(summary.join('\n'));
