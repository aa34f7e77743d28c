// Loads `tcpecho explain --format ndjson` output into DuckDB (embedded, no
// server; npm @duckdb/node-api) and runs the example queries of docs/json.md.
//   tcpecho explain capture.pcap --format ndjson > conns.ndjson
//   node docs/examples/duckdb_queries.mjs conns.ndjson
// Prints one JSON object: { verdicts, slowest, retransmissionRates }.
import { DuckDBInstance } from "@duckdb/node-api";

const file = process.argv[2];
if (!file) {
  console.error("usage: node duckdb_queries.mjs CONNECTIONS.ndjson");
  process.exit(2);
}
const db = await DuckDBInstance.create(":memory:");
const sql = await db.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;
await sql.run(
  `CREATE TABLE conns AS SELECT * FROM read_json_auto(${quoted}, format = 'newline_delimited')`,
);

const QUERIES = {
  // How many connections got each verdict.
  verdicts: `
    SELECT scenario, section, count(*) AS connections
    FROM conns GROUP BY scenario, section ORDER BY connections DESC, scenario`,
  // The slowest connections: duration from first to last segment.
  slowest: `
    SELECT id, client.addr || ':' || client.port AS client,
           server.addr || ':' || server.port AS server, scenario,
           round(list_max(list_transform(segments, s -> s.time))
                 - list_min(list_transform(segments, s -> s.time)), 6) AS seconds
    FROM conns WHERE len(segments) > 0 ORDER BY seconds DESC, id LIMIT 5`,
  // Retransmitted segments per data segment, per server.
  retransmissionRates: `
    SELECT server.addr || ':' || server.port AS server,
           sum(retransmissions.count) AS retransmissions,
           sum(len(list_filter(segments, s -> s.len > 0))) AS dataSegments,
           round(sum(retransmissions.count)
                 / greatest(sum(len(list_filter(segments, s -> s.len > 0))), 1), 4) AS rate
    FROM conns GROUP BY server ORDER BY rate DESC, server`,
};

const out = {};
for (const [name, q] of Object.entries(QUERIES)) {
  const r = await sql.runAndReadAll(q);
  out[name] = r.getRowObjectsJson();
}
console.log(JSON.stringify(out));
