// DuckDB comparison for SPEC "Numbers we hold ourselves to": per-node count,
// p95 (quantile_disc 0.95) and average duration over every trace file under a
// directory, with read_json + UNNEST(nodes_executed). `dashflow self-improve
// analyze` must be faster than this while doing much more.
//
// Usage: node per_node.mjs DIR [--threads N] [--quiet]
// Last line (key=value): seconds rows traces duration_sum_ms threads
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let dir = null;
let threads = 2;
let quiet = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--quiet') quiet = true;
  else if (dir === null) dir = args[i];
  else {
    console.error(`per_node.mjs: unexpected argument ${args[i]}`);
    process.exit(2);
  }
}
if (!dir || !(threads >= 1)) {
  console.error('usage: node per_node.mjs DIR [--threads N] [--quiet]');
  process.exit(2);
}

const start = process.hrtime.bigint();

// Only the globs that match something (DuckDB fails on a glob with no file).
const suffixes = ['.json', '.json.gz', '.jsonl'];
const found = new Set();
for (const entry of readdirSync(dir, { recursive: true })) {
  const name = String(entry);
  for (const s of suffixes) if (name.endsWith(s)) found.add(s);
}
if (found.size === 0) {
  console.error(`per_node.mjs: no trace files under ${dir}`);
  process.exit(1);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const globs = [...found].map((s) => quote(join(dir, '**', `*${s}`))).join(', ');

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();

// Only the fields the aggregation needs are declared; DuckDB still parses
// every document in full. format 'auto' reads pretty files and JSON Lines.
const sql = `
  WITH runs AS (
    SELECT unnest(nodes_executed, recursive := true)
    FROM read_json([${globs}],
                   format = 'auto',
                   columns = {nodes_executed: 'STRUCT(node VARCHAR, duration_ms UBIGINT)[]'},
                   maximum_object_size = 67108864)
  )
  SELECT node,
         count(*)::BIGINT AS count,
         quantile_disc(duration_ms, 0.95)::BIGINT AS p95_ms,
         avg(duration_ms) AS avg_ms,
         sum(duration_ms)::BIGINT AS sum_ms
  FROM runs
  GROUP BY node
  ORDER BY count DESC, node`;

const reader = await connection.runAndReadAll(sql);
const rows = reader.getRowObjects();
const countSql = `SELECT count(*)::BIGINT AS traces FROM read_json([${globs}], format = 'auto',
                    columns = {nodes_executed: 'STRUCT(node VARCHAR, duration_ms UBIGINT)[]'},
                    maximum_object_size = 67108864)`;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

let sum = 0n;
if (!quiet) console.log('node                     count     p95_ms    avg_ms');
for (const r of rows) {
  sum += BigInt(r.sum_ms);
  if (!quiet)
    console.log(`${String(r.node).padEnd(22)} ${String(r.count).padStart(7)} ${String(r.p95_ms).padStart(10)} ${Number(r.avg_ms).toFixed(1).padStart(9)}`);
}
// Trace count outside the timed section (a cross-check only).
let traces = -1;
if (!quiet) {
  const c = await connection.runAndReadAll(countSql);
  traces = Number(c.getRowObjects()[0].traces);
}
console.log(`seconds=${seconds.toFixed(3)} rows=${rows.length} traces=${traces} duration_sum_ms=${sum} threads=${threads}`);
