/**
 * `tcpecho connect --naive`, the book's tcpcli01, against a real `tcpecho serve
 * --close-after 1` on loopback: the server closes after the first echo; the
 * naive client, blocked on stdin, does not notice the FIN, writes its next line
 * anyway, and only its read sees the FIN (UNP §5.12). With --split the second
 * write meets the server's RST: EPIPE (§5.13). In a network namespace of its
 * own, tcpdump on lo shows the book's sequence: server FIN, client data, RST.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import process from "node:process";
import {
  cliArgv,
  EXEC,
  haveCommand,
  isRoot,
  ROOT,
  runCli,
  skipUnless,
  tempDir,
} from "../support/helpers.ts";
import { spawnConnect, waitFor } from "../support/echo_helpers.ts";

/** A spawned program with its output collected and its exit code once ended. */
interface Running {
  proc: ChildProcess;
  out(): string;
  err(): string;
  code(): number | null | undefined;
}

function watch(proc: ChildProcess): Running {
  let out = "", err = "";
  let code: number | null | undefined;
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (err += d));
  proc.on("exit", (c, s) => (code = c ?? (s ? 128 : -1)));
  return { proc, out: () => out, err: () => err, code: () => code };
}

/** Runs argv directly, or inside `netns` with `ip netns exec`. */
function spawnIn(argv: string[], netns?: string): ChildProcess {
  const [cmd, full] = netns ? ["ip", ["netns", "exec", netns, ...argv]] : [argv[0], argv.slice(1)];
  return spawn(cmd, full, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the naive client did after the server's FIN. */
interface NaiveOutcome {
  code: number | null | undefined;
  stdout: string;
  stderr: string;
  /** The client was still running 300 ms after the server closed (it never saw the FIN). */
  aliveAfterFin: boolean;
  serverLog: string;
}

/**
 * serve --close-after 1; connect --naive; "one" (echoed, then the server's FIN);
 * 300 ms later "two" on the client's stdin; the client's end.
 */
async function naiveAfterFin(extra: string[], netns?: string): Promise<NaiveOutcome> {
  const server = watch(
    spawnIn([
      EXEC,
      ...cliArgv(["serve", "--host", "127.0.0.1", "--port", "0", "--close-after", "1"]),
    ], netns),
  );
  let client: Running | undefined;
  try {
    await waitFor(
      () => /listening on tcp/.test(server.out()) || server.code() !== undefined,
      15_000,
      "serve",
    );
    const port = /listening on tcp \S+:(\d+)/.exec(server.out())?.[1];
    assert.ok(port, `serve did not listen: ${server.err()}`);
    client = watch(spawnConnect(["127.0.0.1", port, "--naive", ...extra], netns));
    client.proc.stdin!.write("one\n");
    await waitFor(
      () => client!.out().includes("one\n") || client!.code() !== undefined,
      10_000,
      "the echo of one",
    );
    await waitFor(() => /server closed/.test(server.err()), 10_000, "the server's close");
    await sleep(300);
    const aliveAfterFin = client.code() === undefined;
    client.proc.stdin!.write("two\n");
    await waitFor(() => client!.code() !== undefined, 10_000, "the naive client to end");
    return {
      code: client.code(),
      stdout: client.out(),
      stderr: client.err(),
      aliveAfterFin,
      serverLog: server.err(),
    };
  } finally {
    client?.proc.kill("SIGKILL");
    server.proc.kill("SIGKILL");
  }
}

test(
  "connect --naive: server FIN while blocked on stdin, next line written, read sees EOF: exit 3 (§5.12)",
  {
    timeout: 60_000,
  },
  async () => {
    const r = await naiveAfterFin([]);
    assert.ok(r.aliveAfterFin, `the naive client noticed the FIN on its own: ${r.stderr}`);
    // Linux: a socket that received FIN reads EOF even after the RST (the FIN is
    // queued first), so the book's message, not ECONNRESET, on both runtimes.
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "one\n");
    assert.match(
      r.stderr,
      /server terminated prematurely: peer sent FIN with 4 bytes unechoed \(UNP §5\.12\)/,
    );
  },
);

test("connect --naive --split: the second write after the RST is EPIPE: exit 4 (§5.13)", {
  timeout: 60_000,
}, async () => {
  const r = await naiveAfterFin(["--split", "300"]);
  assert.ok(r.aliveAfterFin, r.stderr);
  assert.equal(r.code, 4, r.stderr);
  assert.equal(r.stdout, "one\n");
  assert.match(r.stderr, /EPIPE, broken pipe: .*\(UNP §5\.13\)/);
});

test(
  "connect --naive: stdin EOF after every echo ends normally: exit 0",
  { timeout: 60_000 },
  async () => {
    const server = watch(
      spawnIn([EXEC, ...cliArgv(["serve", "--host", "127.0.0.1", "--port", "0"])]),
    );
    try {
      await waitFor(() => /listening on tcp/.test(server.out()), 15_000, "serve");
      const port = /listening on tcp \S+:(\d+)/.exec(server.out())![1];
      const r = runCli(["connect", "127.0.0.1", port, "--naive"], { input: "a\nb\nno newline" });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "a\nb\nno newline");
    } finally {
      server.proc.kill("SIGKILL");
    }
  },
);

test("connect --naive: --split without --naive is a usage error: exit 2", () => {
  const r = runCli(["connect", "127.0.0.1", "9", "--split", "100"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Cannot use --split 100: it only applies to --naive/);
});

/** One segment as `tcpdump -nn -r` prints it. */
interface Seg {
  fromServer: boolean;
  flags: string;
  len: number;
}

function readSegments(file: string, serverPort: string): Seg[] {
  const r = spawnSync("tcpdump", ["-nn", "-r", file], { timeout: 20_000 });
  assert.equal(r.status, 0, `tcpdump -r ${file}: ${r.stderr}`);
  const lines = r.stdout.toString().split("\n").filter((l) => l.includes("Flags ["));
  return lines.map((l) => {
    const m = /IP \S+\.(\d+) > \S+: Flags \[([^\]]*)\].*length (\d+)/.exec(l);
    assert.ok(m, `cannot read tcpdump line: ${l}`);
    return { fromServer: m[1] === serverPort, flags: m[2], len: Number(m[3]) };
  });
}

const captureSkip = skipUnless(
  isRoot() && haveCommand("ip") && haveCommand("tcpdump"),
  "connect --naive wire test needs root, ip and tcpdump",
);

test("connect --naive: netns capture on lo shows server FIN, then client data, then server RST", {
  skip: captureSkip,
  timeout: 60_000,
}, async () => {
  const ns = `tcpecho-naive-${process.pid}`;
  const dir = tempDir("tcpecho-naive-");
  const file = `${dir.path}/naive.pcap`;
  let dump: Running | undefined;
  try {
    assert.equal(spawnSync("ip", ["netns", "add", ns]).status, 0, "ip netns add");
    assert.equal(spawnSync("ip", ["-n", ns, "link", "set", "lo", "up"]).status, 0);
    dump = watch(
      spawnIn(["tcpdump", "-i", "lo", "-U", "--immediate-mode", "-nn", "-w", file, "tcp"], ns),
    );
    await waitFor(
      () => /listening on/.test(dump!.err()) || dump!.code() !== undefined,
      10_000,
      "tcpdump",
    );
    const r = await naiveAfterFin([], ns);
    assert.equal(r.code, 3, r.stderr);
    await sleep(300);
    // process.kill, and wait for tcpdump's own summary: Deno's ChildProcess may
    // report a child it signalled itself as ended before it has (see echo_helpers).
    process.kill(dump.proc.pid!, "SIGINT");
    await waitFor(() => /packets captured/.test(dump!.err()), 10_000, "tcpdump to stop");
    const port = /listening on tcp \S+:(\d+)/.exec(r.serverLog)?.[1];
    assert.ok(port, r.serverLog);
    const segs = readSegments(file, port);
    const fin = segs.findIndex((s) => s.fromServer && s.flags.includes("F"));
    const seen = JSON.stringify(segs);
    assert.ok(fin >= 0, `no server FIN: ${seen}`);
    const data = segs.findIndex((s, i) => i > fin && !s.fromServer && s.len > 0);
    assert.ok(data > fin, `no client data after the server's FIN: ${seen}`);
    const rst = segs.findIndex((s, i) => i > data && s.fromServer && s.flags.includes("R"));
    assert.ok(rst > data, `no RST from the server after the client's data: ${seen}`);
  } finally {
    dump?.proc.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", ns]);
    dir.cleanup();
  }
});
