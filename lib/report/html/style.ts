/**
 * The report's stylesheet: light and dark (prefers-color-scheme), colours of the
 * segment classes shared by the ladder and the graph, and print rules.
 * @module
 */

/** The page CSS. */
export const PAGE_CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d0d7de;--band0:#f3f6fa;--band1:#fbf7ee;
--link:#0a58ca;--syn:#1a7f37;--fin:#0550ae;--data:#1b1f24;--ack:#6e7781;--rst:#c2185b;
--retrans:#d1242f;--keepalive:#8250df;--lost:#bc4c00;--dup:#9a6700;--window:#0e7490;
--ackline:#1a7f37;--winline:#8250df;--sent:#0550ae;color-scheme:light dark;
--tc-handshake:#bf8700;--tc-client-app:#eac54f;--tc-server-app:#fb8f44;--tc-receive-window:#0e7490;
--tc-loss:#d1242f;--tc-nagle:#8250df;--tc-pmtu:#82071e;--tc-transfer:#afb8c1}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;
--band0:#161b22;--band1:#1c1a14;--link:#58a6ff;--syn:#3fb950;--fin:#79c0ff;--data:#e6edf3;
--ack:#8b949e;--rst:#ff7bb0;--retrans:#ff6b6b;--keepalive:#d2a8ff;--lost:#ffa657;--dup:#e3b341;
--window:#56d4dd;--ackline:#3fb950;--winline:#d2a8ff;--sent:#79c0ff;
--tc-handshake:#d29922;--tc-client-app:#e3b341;--tc-server-app:#ffa657;--tc-receive-window:#56d4dd;
--tc-loss:#ff6b6b;--tc-nagle:#d2a8ff;--tc-pmtu:#da3633;--tc-transfer:#6e7681}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1180px;padding:16px 20px 60px;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0}
code,.mono,table.conns td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.meta{color:var(--muted);margin:0 0 12px}
.warn{color:var(--lost)}
.controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:10px 0}
.controls input{padding:4px 8px;min-width:260px;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.controls button{padding:3px 10px;background:var(--band0);color:var(--fg);border:1px solid var(--line);border-radius:4px;cursor:pointer}
.controls button:disabled{opacity:.4;cursor:default}
table.conns{border-collapse:collapse;width:100%}
table.conns th,table.conns td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;white-space:nowrap}
table.conns td.num,table.conns th.num{text-align:right}
table.conns th{cursor:pointer;user-select:none;position:sticky;top:0;background:var(--bg)}
table.conns th[aria-sort=ascending]::after{content:" ▲"}table.conns th[aria-sort=descending]::after{content:" ▼"}
table.conns tr.bad td.sc{color:var(--rst);font-weight:600}
table.conns td.re.some{color:var(--retrans);font-weight:600}
details.conn{border:1px solid var(--line);border-radius:6px;margin:14px 0;padding:0}
details.conn>summary{padding:8px 12px;cursor:pointer;background:var(--band0);border-radius:6px}
details.conn[open]>summary{border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
.verdict{font-size:15px;font-weight:600;margin:2px 0}
.body{padding:10px 12px;overflow-x:auto}
.note{color:var(--muted);font-size:12.5px}
svg.ladder{display:block;max-width:none;font:11.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
svg.ladder text{fill:var(--fg)}
svg.ladder .when,svg.ladder .gap{fill:var(--muted)}
svg.ladder .end{font-weight:700}
svg.ladder .state{fill:var(--muted);font-style:italic}
svg.ladder .life{stroke:var(--muted);stroke-width:2}
svg.ladder .phase-0 rect{fill:var(--band0)}svg.ladder .phase-1 rect{fill:var(--band1)}
svg.ladder .phase text{fill:var(--muted);font-weight:700;text-transform:uppercase;letter-spacing:.05em;font-size:10.5px}
svg.ladder .seg line{stroke:var(--c);stroke-width:1.6}svg.ladder .seg polygon{fill:var(--c)}
svg.ladder .seg text.when{fill:var(--muted)}
svg.ladder .seg .tag{fill:var(--c);font-weight:700}
.k-syn{--c:var(--syn)}.k-fin{--c:var(--fin)}.k-data{--c:var(--data)}.k-ack{--c:var(--ack)}
.k-rst{--c:var(--rst)}.k-retrans{--c:var(--retrans)}.k-keepalive{--c:var(--keepalive)}
.k-lost{--c:var(--lost)}.k-dup{--c:var(--dup)}.k-window{--c:var(--window)}
svg.ladder .k-rst line,svg.ladder .k-retrans line{stroke-width:2.6}
svg.ladder .k-keepalive line{stroke-dasharray:5 3;stroke-width:2.2}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0;font-size:12px}
.legend span::before{content:"";display:inline-block;width:18px;height:3px;margin-right:5px;vertical-align:middle;background:var(--c)}
.tc-handshake{--tc:var(--tc-handshake)}.tc-client-app{--tc:var(--tc-client-app)}
.tc-server-app{--tc:var(--tc-server-app)}.tc-receive-window{--tc:var(--tc-receive-window)}
.tc-loss{--tc:var(--tc-loss)}.tc-nagle{--tc:var(--tc-nagle)}.tc-pmtu{--tc:var(--tc-pmtu)}
.tc-transfer{--tc:var(--tc-transfer)}
.slowline{margin:4px 0 8px;font-size:13.5px}
.timebox{margin:8px 0 12px}.timebox h3{font-size:13.5px;margin:4px 0}
.timebar{display:flex;height:20px;max-width:980px;border:1px solid var(--line);border-radius:3px;overflow:hidden;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.timebar.mini{width:240px;height:9px;margin:4px 0 0}
table.conns .timebar.mini{width:120px;margin:0;display:inline-flex;vertical-align:middle}
.tseg{flex-basis:0;min-width:2px;background:var(--tc);color:#fff;text-shadow:0 0 2px #000;text-align:center;
overflow:hidden;font:700 11px/20px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.tlegend{display:flex;flex-wrap:wrap;gap:2px 14px;margin:4px 0;font-size:12px}
.tlegend .sw{display:inline-block;width:16px;height:14px;border-radius:2px;background:var(--tc);color:#fff;
text-shadow:0 0 2px #000;text-align:center;font:700 10.5px/14px ui-monospace,monospace;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
svg.ladder .stall rect{fill:var(--tc);fill-opacity:.16;stroke:var(--tc);stroke-opacity:.5}
svg.ladder .stall text{fill:var(--fg);font-weight:700;font-size:10.5px}
.graphs{display:flex;flex-direction:column;gap:12px;margin-top:14px}
.graph h3{font-size:13.5px;margin:4px 0}
.uplot{font-family:inherit}.u-legend{color:var(--fg)}
@media print{
body{max-width:none;padding:0;font-size:11px}
.controls,.noprint{display:none!important}
details.conn{break-inside:auto;border:none}details.conn:not([open]){display:none}
details.conn>summary{background:none;list-style:none}
table.conns th{position:static}
svg.ladder{max-width:100%;height:auto}
}
`;
