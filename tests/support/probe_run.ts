/**
 * Helpers for the probe tests: run a command asynchronously with a bound,
 * watch its output for a line, and start the echo peer. Not a test file.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as net from "node:net";
import process from "node:process";
import { cliArgv, EXEC, ROOT, RUNTIME } from "./helpers.ts";
import { join } from "./path.ts";

/** A running process with its collected output. */
export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when a stdout line matches (rejects after `ms`). */
  waitFor(re: RegExp, ms: number): Promise<string>;
  /** Resolves to the exit code (kills the process and rejects after `ms`). */
  exit(ms: number): Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `argv` (prefixed with `prefix`, e.g. ["ip", "netns", "exec", NS]). */
export function start(argv: string[], prefix: string[] = []): Running {
  const all = [...prefix, ...argv];
  const child = spawn(all[0], all.slice(1), {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "", err = "";
  const listeners: (() => void)[] = [];
  child.stdout!.on("data", (d) => {
    out += d;
    listeners.forEach((f) => f());
  });
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number>((resolve) => {
    child.on("exit", (code, sig) => resolve(code ?? (sig ? 128 : -1)));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.split("\n").find((l) => re.test(l));
          if (m === undefined) return false;
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(
          () => reject(new Error(`no line ${re} within ${ms} ms; stdout: ${out}; stderr: ${err}`)),
          ms,
        );
        if (!check()) listeners.push(check);
        exited.then(() => setTimeout(check, 50));
      });
    },
    async exit(ms) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`no exit within ${ms} ms; stdout: ${out}; stderr: ${err}`));
        }, ms);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill(signal = "SIGKILL") {
      // process.kill, not child.kill: Deno's child.kill makes a normal exit read as
      // killed-by-that-signal (exit code null), which hides the CLI's own exit code.
      if (child.exitCode !== null || child.pid === undefined) return;
      try {
        process.kill(child.pid, signal);
      } catch { /* already gone */ }
    },
  };
}

/** Starts the CLI with `args` under the test's runtime. */
export function startCli(args: string[], prefix: string[] = []): Running {
  return start([EXEC, ...cliArgv(args)], prefix);
}

/** Starts the echo peer; resolves with its port once it listens. */
export async function startPeer(
  host: string,
  port = 0,
  prefix: string[] = [],
): Promise<{ peer: Running; port: number }> {
  const script = join(ROOT, "tests", "support", "probe_peer.ts");
  const argv = RUNTIME === "deno"
    ? [EXEC, "run", "-A", "--no-check", script, host, String(port)]
    : [EXEC, script, host, String(port)];
  const peer = start(argv, prefix);
  const line = await peer.waitFor(/^listening \d+/, 10_000);
  return { peer, port: Number(line.split(" ")[1]) };
}

/** An echo peer in the test's own process (see {@link loopbackPeer}). */
export interface InProcessPeer {
  /** Closes the listener and every connection, as the death of a peer process would (FIN). */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * The echo peer of {@link startPeer} in this process (node:net, as
 * tests/support/probe_peer.ts): no runtime start. `kill` closes its sockets,
 * which the kernel does when a peer process dies. For a peer inside a
 * network namespace, use startPeer with its prefix.
 */
export async function loopbackPeer(host: string): Promise<{ peer: InProcessPeer; port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("data", (d) => s.write(d));
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    peer: {
      kill() {
        server.close();
        for (const s of sockets) s.destroy();
        sockets.clear();
      },
    },
  };
}
