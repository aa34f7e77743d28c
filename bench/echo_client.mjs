// Load generator for the echo benchmarks, run by Node.js (the same client for
// every server under test). Prints one JSON line with the result.
//   node bench/echo_client.mjs rt PORT CLIENTS SECONDS      round trips/s, one message in flight each
//   node bench/echo_client.mjs idle PORT CLIENTS SECONDS    hold CLIENTS idle connections
//   node bench/echo_client.mjs writer PORT BYTES SECONDS    write BYTES, never read
//   node bench/echo_client.mjs connrate PORT CONCURRENCY SECONDS   connect+echo+close loop
import net from "node:net";
import process from "node:process";

const [mode, portS, nS, secsS] = process.argv.slice(2);
const port = Number(portS);
const n = Number(nS);
const secs = Number(secsS);
const msg = Buffer.alloc(64, 97);
const done = (o) => {
  console.log(JSON.stringify(o));
  process.exit(0);
};

function rt() {
  let trips = 0;
  let stop = false;
  let open = 0;
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, "127.0.0.1", () => {
      s.setNoDelay(true);
      open++;
      s.write(msg);
    });
    let got = 0;
    s.on("data", (d) => {
      got += d.length;
      while (got >= 64) {
        got -= 64;
        trips++;
        if (stop) return s.destroy();
        s.write(msg);
      }
    });
    s.on("error", () => {});
  }
  const t0 = performance.now();
  setTimeout(() => {
    stop = true;
    done({ mode, open, trips, perSecond: Math.round(trips / ((performance.now() - t0) / 1000)) });
  }, secs * 1000);
}

function idle() {
  let open = 0;
  let failed = 0;
  let i = 0;
  const batch = () => {
    for (let k = 0; k < 200 && i < n; k++, i++) {
      const s = net.connect(port, "127.0.0.1", () => open++);
      s.on("error", () => failed++);
    }
    if (i < n) setTimeout(batch, 5);
  };
  batch();
  const end = Date.now() + secs * 1000;
  const poll = setInterval(() => {
    if (open + failed >= n || Date.now() > end) {
      clearInterval(poll);
      console.log(JSON.stringify({ mode, open, failed }));
      setTimeout(() => process.exit(0), secs * 1000); // keep them idle a while
    }
  }, 50);
}

function writer() {
  const chunk = Buffer.alloc(1 << 20, 98);
  let queued = 0;
  const s = net.connect(port, "127.0.0.1", () => {
    s.pause(); // never read
    const pump = () => {
      while (queued < n) {
        queued += chunk.length;
        if (!s.write(chunk)) return s.once("drain", pump);
      }
    };
    pump();
  });
  s.on("error", () => {});
  setTimeout(() => done({ mode, queued, acceptedByKernel: s.bytesWritten }), secs * 1000);
}

function connrate() {
  let conns = 0;
  let errors = 0;
  let stop = false;
  const one = () => {
    if (stop) return;
    const s = net.connect(port, "127.0.0.1", () => s.write("x\n"));
    s.once("data", () => {
      conns++;
      s.destroy();
      one();
    });
    s.on("error", () => {
      errors++;
      setTimeout(one, 10);
    });
  };
  for (let i = 0; i < n; i++) one();
  const t0 = performance.now();
  setTimeout(() => {
    stop = true;
    const perSecond = Math.round(conns / ((performance.now() - t0) / 1000));
    done({ mode, conns, errors, perSecond });
  }, secs * 1000);
}

({ rt, idle, writer, connrate })[mode]();
