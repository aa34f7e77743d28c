// The reference: a plain Node.js net echo server (TCP_NODELAY on, back-pressure
// by pause/drain), as a user would write it. Usage: node bench/echo_node_server.mjs PORT
import net from "node:net";
import process from "node:process";

net.createServer((s) => {
  s.setNoDelay(true);
  s.on("data", (d) => {
    if (!s.write(d)) {
      s.pause();
      s.once("drain", () => s.resume());
    }
  });
  s.on("end", () => s.end());
  s.on("error", () => {});
}).listen(Number(process.argv[2]), "127.0.0.1");
